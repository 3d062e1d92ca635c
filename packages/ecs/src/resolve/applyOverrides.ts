import { mergePatch } from './mergePatch.js';
import { isRecord, pointer, type ContainerDefinition, type Finding, type ReportEntry, type TaskDefinition } from './types.js';

/** Per-container stage overrides; `*` applies to every container (named entries win over `*`). */
export interface ContainerOverride {
  /** Environment variables, upserted by name (never duplicated). */
  environment?: Record<string, string>;
  /** Secrets `name → valueFrom`, upserted by name. */
  secrets?: Record<string, string>;
  dockerLabels?: Record<string, string>;
  /** Names of environment variables to remove. */
  removeEnvironment?: string[];
}

export interface StageOverrides {
  containers?: Record<string, ContainerOverride>;
  taskRoleArn?: string;
  executionRoleArn?: string;
  /**
   * JSON merge patches (RFC 7386) applied in order, before the other overrides. Extension: when a patch's
   * `containerDefinitions` is an object, its keys are container names and each value merge-patches that container
   * (a plain array replaces the list, as RFC 7386 says).
   */
  overlays?: Record<string, unknown>[];
}

/**
 * Applies overlays, then env/secret/label/role overrides (precedence: artifact < overlays < stage overrides; injected
 * values come after, in `injectServerGroup`). Returns a new task definition; `td` is not modified.
 */
export function applyOverrides(td: TaskDefinition, o: StageOverrides, findings: Finding[], report: ReportEntry[]): TaskDefinition {
  let out = structuredClone(td);
  (o.overlays ?? []).forEach((overlay, n) => {
    const at = pointer('overrides', 'overlays', n);
    if (!isRecord(overlay)) {
      findings.push({ severity: 'error', code: 'OVERLAY_NOT_OBJECT', in: 'request', pointer: at, message: `Overlay ${n} must be an object.` });
      return;
    }
    const { containerDefinitions: byName, ...rest } = overlay;
    if (Object.keys(rest).length > 0) {
      out = mergePatch(out, rest) as TaskDefinition;
      for (const k of Object.keys(rest)) report.push({ action: rest[k] === null ? 'removed' : 'patched', pointer: pointer(k), source: 'overlay', reason: `overlay ${n}` });
    }
    if (Array.isArray(byName)) {
      out.containerDefinitions = structuredClone(byName) as ContainerDefinition[];
      report.push({ action: 'replaced', pointer: '/containerDefinitions', source: 'overlay', reason: `overlay ${n} replaced the container list` });
    } else if (isRecord(byName)) {
      for (const [name, patch] of Object.entries(byName)) {
        const idx = out.containerDefinitions.findIndex((c) => c.name === name);
        if (idx < 0) {
          findings.push({
            severity: 'error',
            code: 'OVERLAY_UNKNOWN_CONTAINER',
            in: 'request',
            pointer: at + pointer('containerDefinitions', name),
            message: `Overlay ${n} patches container '${name}', which is not in the task definition.`,
            container: name,
          });
          continue;
        }
        out.containerDefinitions[idx] = mergePatch(out.containerDefinitions[idx], patch) as ContainerDefinition;
        report.push({ action: 'patched', pointer: pointer('containerDefinitions', idx), source: 'overlay', reason: `overlay ${n}` });
      }
    } else if (byName !== undefined) {
      findings.push({
        severity: 'error',
        code: 'OVERLAY_CONTAINERS_TYPE',
        in: 'request',
        pointer: at + '/containerDefinitions',
        message: `Overlay ${n}: containerDefinitions must be an array (replace) or an object keyed by container name (patch).`,
      });
    }
  });

  const containers = o.containers ?? {};
  for (const name of Object.keys(containers)) {
    if (name !== '*' && !out.containerDefinitions.some((c) => c.name === name)) {
      findings.push({
        severity: 'error',
        code: 'OVERRIDE_UNKNOWN_CONTAINER',
        in: 'request',
        pointer: pointer('overrides', 'containers', name),
        message: `Overrides name container '${name}', which is not in the task definition.`,
        container: name,
      });
    }
  }
  out.containerDefinitions.forEach((c, idx) => {
    for (const ov of [containers['*'], c.name !== undefined ? containers[c.name] : undefined]) {
      if (!ov) continue;
      for (const n of ov.removeEnvironment ?? []) removeByName(c, 'environment', n, idx, report, 'override');
      for (const [n, v] of Object.entries(ov.environment ?? {})) upsertEnv(c, n, v, idx, report, 'override');
      for (const [n, v] of Object.entries(ov.secrets ?? {})) upsertSecret(c, n, v, idx, report);
      for (const [k, v] of Object.entries(ov.dockerLabels ?? {})) setLabel(c, k, v, idx, report, 'override');
    }
  });
  for (const field of ['taskRoleArn', 'executionRoleArn'] as const) {
    const v = o[field];
    if (v === undefined) continue;
    if (out[field] !== v) report.push({ action: out[field] === undefined ? 'set' : 'replaced', pointer: pointer(field), source: 'override', reason: `stage override ${field}` });
    out[field] = v;
  }
  return out;
}

export function upsertEnv(c: ContainerDefinition, name: string, value: string, idx: number, report: ReportEntry[], source: ReportEntry['source']) {
  const env = (c.environment ??= []);
  const hits = env.map((e, i) => ({ e, i })).filter(({ e }) => e.name === name);
  if (hits.length === 0) {
    env.push({ name, value });
    report.push({ action: 'set', pointer: pointer('containerDefinitions', idx, 'environment', env.length - 1), source, reason: `${name} added` });
    return;
  }
  const first = hits[0]!;
  if (first.e.value !== value || hits.length > 1) {
    report.push({ action: 'replaced', pointer: pointer('containerDefinitions', idx, 'environment', first.i, 'value'), source, reason: `${name} replaced` });
  }
  first.e.value = value;
  // Duplicates (from the artifact or clouddriver-style appends) collapse onto the first entry.
  for (const dup of hits.slice(1).reverse()) env.splice(dup.i, 1);
}

function upsertSecret(c: ContainerDefinition, name: string, valueFrom: string, idx: number, report: ReportEntry[]) {
  const list = (c.secrets ??= []);
  const hits = list.map((e, i) => ({ e, i })).filter(({ e }) => e.name === name);
  if (hits.length === 0) {
    list.push({ name, valueFrom });
    report.push({ action: 'set', pointer: pointer('containerDefinitions', idx, 'secrets', list.length - 1), source: 'override', reason: `secret ${name} added` });
    return;
  }
  hits[0]!.e.valueFrom = valueFrom;
  report.push({ action: 'replaced', pointer: pointer('containerDefinitions', idx, 'secrets', hits[0]!.i, 'valueFrom'), source: 'override', reason: `secret ${name} replaced` });
  for (const dup of hits.slice(1).reverse()) list.splice(dup.i, 1);
}

function removeByName(c: ContainerDefinition, field: 'environment', name: string, idx: number, report: ReportEntry[], source: ReportEntry['source']) {
  const list = c[field];
  if (!list) return;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]!.name === name) {
      list.splice(i, 1);
      report.push({ action: 'removed', pointer: pointer('containerDefinitions', idx, field, i), source, reason: `${name} removed` });
    }
  }
}

export function setLabel(c: ContainerDefinition, key: string, value: string, idx: number, report: ReportEntry[], source: ReportEntry['source']) {
  const labels = (c.dockerLabels ??= {});
  if (labels[key] === value) return;
  report.push({ action: key in labels ? 'replaced' : 'set', pointer: pointer('containerDefinitions', idx, 'dockerLabels', key), source, reason: `label ${key}` });
  labels[key] = value;
}
