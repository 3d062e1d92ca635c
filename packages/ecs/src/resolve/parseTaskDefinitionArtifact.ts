import { parseAllDocuments } from 'yaml';
import { CLOUDFORMATION_ALIASES, DESCRIBE_ONLY_FIELDS, taskDefinitionModel, type FieldKind } from './taskDefinitionModel.js';
import { isRecord, pointer, type Finding, type ReportEntry, type TaskDefinition } from './types.js';

export interface ParseResult {
  /** The clean RegisterTaskDefinition request; absent when an error finding says why. */
  taskDefinition?: TaskDefinition;
  report: ReportEntry[];
  findings: Finding[];
}

/**
 * Reads a task-definition artifact in any shape Spinnaker users have in hand and returns a clean RegisterTaskDefinition
 * request, with every dropped, renamed, converted or unwrapped field reported by JSON pointer.
 *
 * Accepted: the RegisterTaskDefinition request; DescribeTaskDefinition output, bare or wrapped in `taskDefinition`
 * (its `tags` sibling is kept); a CloudFormation `AWS::ECS::TaskDefinition` resource, its `Properties`, or a template
 * with exactly one such resource, in PascalCase; JSON or YAML (the first non-empty document).
 *
 * @example parseTaskDefinitionArtifact('{"taskDefinition":{"family":"x","containerDefinitions":[…],"revision":3}}')
 */
export function parseTaskDefinitionArtifact(input: string | unknown): ParseResult {
  const report: ReportEntry[] = [];
  const findings: Finding[] = [];
  const fail = (code: string, ptr: string, message: string): ParseResult => {
    findings.push({ severity: 'error', code, in: 'artifact', pointer: ptr, message });
    return { report, findings };
  };

  let doc: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseText(input);
    if ('error' in parsed) return fail('ARTIFACT_PARSE', '', parsed.error);
    doc = parsed.value;
    if (parsed.extraDocuments > 0) {
      findings.push({
        severity: 'warning',
        code: 'ARTIFACT_EXTRA_DOCUMENTS',
        in: 'artifact',
        pointer: '',
        message: `The artifact holds ${parsed.extraDocuments + 1} YAML documents; only the first was used.`,
      });
    }
  }
  if (!isRecord(doc)) return fail('ARTIFACT_NOT_OBJECT', '', 'The task definition artifact must be a JSON or YAML object.');

  // Unwrap the known envelopes, innermost last.
  let base = '';
  let extraTags: unknown;
  const resources = findKey(doc, 'Resources');
  if (resources && isRecord(doc[resources])) {
    const res = doc[resources] as Record<string, unknown>;
    const tds = Object.keys(res).filter((k) => isRecord(res[k]) && (res[k] as Record<string, unknown>).Type === 'AWS::ECS::TaskDefinition');
    if (tds.length !== 1) {
      return fail(
        'ARTIFACT_CLOUDFORMATION_AMBIGUOUS',
        pointer(resources),
        `The CloudFormation template has ${tds.length} AWS::ECS::TaskDefinition resources; expected exactly 1.`,
      );
    }
    base = pointer(resources, tds[0]!);
    doc = res[tds[0]!];
    report.push({ action: 'unwrapped', pointer: base, to: '', source: 'artifact', reason: `CloudFormation resource ${tds[0]} was used` });
  }
  if (isRecord(doc) && doc.Type === 'AWS::ECS::TaskDefinition' && isRecord(doc.Properties)) {
    report.push({ action: 'unwrapped', pointer: base + '/Properties', to: '', source: 'artifact', reason: 'CloudFormation resource Properties were used' });
    base += '/Properties';
    doc = doc.Properties;
  }
  if (isRecord(doc)) {
    const wrapKey = findKey(doc, 'taskDefinition');
    const hasContainers = findKey(doc, 'containerDefinitions') !== undefined;
    if (wrapKey && isRecord(doc[wrapKey]) && !hasContainers) {
      const outer = doc;
      const tagsKey = findKey(outer, 'tags');
      if (tagsKey) extraTags = outer[tagsKey];
      for (const k of Object.keys(outer)) {
        if (k !== wrapKey && k !== tagsKey) {
          report.push({ action: 'dropped', pointer: base + pointer(k), source: 'artifact', reason: 'outside the taskDefinition wrapper' });
        }
      }
      report.push({
        action: 'unwrapped',
        pointer: base + pointer(wrapKey),
        to: '',
        source: 'artifact',
        reason: 'DescribeTaskDefinition output wrapper {"taskDefinition": …}',
      });
      base += pointer(wrapKey);
      doc = outer[wrapKey];
    }
  }
  if (!isRecord(doc)) return fail('ARTIFACT_NOT_OBJECT', base, 'The task definition must be an object.');

  const out = normalize(doc, taskDefinitionModel, base, '', report, findings, true) as Record<string, unknown>;
  if (extraTags !== undefined) {
    const tags = normalize(extraTags, (taskDefinitionModel as { fields: Record<string, FieldKind> }).fields.tags!, '/tags', '/tags', report, findings, false);
    if (Array.isArray(tags) && tags.length > 0) {
      out.tags = [...(Array.isArray(out.tags) ? out.tags : []), ...tags];
      report.push({ action: 'renamed', pointer: '/tags', to: '/tags', source: 'artifact', reason: 'DescribeTaskDefinition tags were kept as task definition tags' });
    }
  }
  if (findings.some((f) => f.severity === 'error')) return { report, findings };
  if (!Array.isArray(out.containerDefinitions) || out.containerDefinitions.length === 0) {
    return fail('NO_CONTAINERS', base + '/containerDefinitions', 'Provided task definition does not contain any container definitions.');
  }
  return { taskDefinition: out as TaskDefinition, report, findings };
}

function parseText(text: string): { value: unknown; extraDocuments: number } | { error: string } {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { error: 'The task definition artifact is empty.' };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { value: JSON.parse(trimmed), extraDocuments: 0 };
    } catch (err) {
      // YAML is a superset of JSON with comments etc.; fall through, but keep JSON's message if YAML fails too.
      const yaml = parseYaml(trimmed);
      if (!('error' in yaml)) return yaml;
      return { error: `The task definition artifact is not valid JSON: ${(err as Error).message}` };
    }
  }
  return parseYaml(trimmed);
}

function parseYaml(text: string): { value: unknown; extraDocuments: number } | { error: string } {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) {
    if (d.errors.length > 0) return { error: `The task definition artifact is not valid YAML: ${d.errors[0]!.message.split('\n')[0]}` };
  }
  const nonEmpty = list.filter((d) => d.contents !== null);
  if (nonEmpty.length === 0) return { error: 'The task definition artifact is empty.' };
  return { value: nonEmpty[0]!.toJS({ maxAliasCount: 100 }), extraDocuments: nonEmpty.length - 1 };
}

/** The key of `obj` that equals `name` ignoring case (exact match first). */
function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (name in obj) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

function normalize(
  value: unknown,
  kind: FieldKind,
  src: string,
  dst: string,
  report: ReportEntry[],
  findings: Finding[],
  topLevel: boolean,
): unknown {
  const typeError = (expected: string) => {
    const intrinsic = isRecord(value) && Object.keys(value).length === 1 ? Object.keys(value)[0]! : '';
    if (/^(Fn::|Ref$|Condition$)/.test(intrinsic)) {
      findings.push({
        severity: 'error',
        code: 'ARTIFACT_CLOUDFORMATION_INTRINSIC',
        in: 'artifact',
        pointer: src,
        message: `${src} uses the CloudFormation function ${intrinsic}, which is not evaluated here; give the value (or render the template) instead.`,
      });
      return undefined;
    }
    findings.push({ severity: 'error', code: 'ARTIFACT_FIELD_TYPE', in: 'artifact', pointer: src, message: `${src || '/'} must be ${expected}.` });
    return undefined;
  };
  switch (kind.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') {
        report.push({ action: 'converted', pointer: src, to: dst, source: 'artifact', reason: `${typeof value} converted to string` });
        return String(value);
      }
      return typeError('a string');
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) {
        report.push({ action: 'converted', pointer: src, to: dst, source: 'artifact', reason: 'string converted to integer' });
        return Number(value.trim());
      }
      return typeError('an integer');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') {
        report.push({ action: 'converted', pointer: src, to: dst, source: 'artifact', reason: 'string converted to boolean' });
        return value === 'true';
      }
      return typeError('a boolean');
    case 'map': {
      if (!isRecord(value)) return typeError('an object of strings');
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v === null || v === undefined) {
          report.push({ action: 'dropped', pointer: src + pointer(k), source: 'artifact', reason: 'null value' });
        } else if (typeof v === 'string') {
          out[k] = v;
        } else if (typeof v === 'number' || typeof v === 'boolean') {
          report.push({ action: 'converted', pointer: src + pointer(k), to: dst + pointer(k), source: 'artifact', reason: `${typeof v} converted to string` });
          out[k] = String(v);
        } else {
          findings.push({ severity: 'error', code: 'ARTIFACT_FIELD_TYPE', in: 'artifact', pointer: src + pointer(k), message: `${src + pointer(k)} must be a string.` });
        }
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) return typeError('an array');
      return value.flatMap((item, idx) => {
        if (item === null || item === undefined) {
          report.push({ action: 'dropped', pointer: src + pointer(idx), source: 'artifact', reason: 'null item' });
          return [];
        }
        const v = normalize(item, kind.of, src + pointer(idx), dst + pointer(idx), report, findings, false);
        return v === undefined ? [] : [v];
      });
    }
    case 'object': {
      if (!isRecord(value)) return typeError('an object');
      const out: Record<string, unknown> = {};
      const lowerIndex = new Map(Object.keys(kind.fields).map((k) => [k.toLowerCase(), k]));
      for (const [key, v] of Object.entries(value)) {
        const at = src + pointer(key);
        if (topLevel && (DESCRIBE_ONLY_FIELDS as readonly string[]).includes(key)) {
          report.push({ action: 'dropped', pointer: at, source: 'artifact', reason: 'read-only field of DescribeTaskDefinition output' });
          continue;
        }
        const target = key in kind.fields ? key : (lowerIndex.get(key.toLowerCase()) ?? CLOUDFORMATION_ALIASES[key.toLowerCase()]);
        if (!target || !(target in kind.fields)) {
          const describeOnly = (DESCRIBE_ONLY_FIELDS as readonly string[]).find((f) => f.toLowerCase() === key.toLowerCase());
          report.push({
            action: 'dropped',
            pointer: at,
            source: 'artifact',
            reason: topLevel && describeOnly ? 'read-only field of DescribeTaskDefinition output' : 'not a RegisterTaskDefinition field',
          });
          continue;
        }
        if (v === null || v === undefined) {
          report.push({ action: 'dropped', pointer: at, source: 'artifact', reason: 'null value' });
          continue;
        }
        if (target in out) {
          findings.push({ severity: 'error', code: 'ARTIFACT_DUPLICATE_FIELD', in: 'artifact', pointer: at, message: `${at} duplicates ${dst + pointer(target)} (keys differ only in case).` });
          continue;
        }
        if (target !== key) report.push({ action: 'renamed', pointer: at, to: dst + pointer(target), source: 'artifact', reason: `${key} → ${target}` });
        const nv = normalize(v, kind.fields[target]!, at, dst + pointer(target), report, findings, false);
        if (nv !== undefined) out[target] = nv;
      }
      return out;
    }
  }
}
