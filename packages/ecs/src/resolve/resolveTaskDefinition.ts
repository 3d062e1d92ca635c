import { applyOverrides, type StageOverrides } from './applyOverrides.js';
import { bindImages, type ImageBinding, type ImageBindingInput } from './bindImages.js';
import { injectServerGroup, type ServerGroupContext } from './injectServerGroup.js';
import { parseTaskDefinitionArtifact } from './parseTaskDefinitionArtifact.js';
import { preflightTaskDefinition, type PreflightService } from './preflightTaskDefinition.js';
import type { Finding, ReportEntry, TaskDefinition } from './types.js';

export interface ResolveInput {
  /** The artifact: its text (JSON or YAML) or an already parsed object. */
  artifact: string | unknown;
  images?: ImageBindingInput;
  overrides?: StageOverrides;
  /** The server group being deployed; without it nothing is injected (a plain render). */
  serverGroup?: ServerGroupContext;
  service?: PreflightService;
}

export interface ResolveResult {
  /** True when no finding is an error. */
  ok: boolean;
  /** The rendered RegisterTaskDefinition request (present whenever the artifact parsed). */
  taskDefinition?: TaskDefinition;
  report: ReportEntry[];
  findings: Finding[];
  images: ImageBinding[];
}

/**
 * The whole resolver, pure: parse the artifact (any shape) → overlays and stage overrides → pipeline images →
 * Spinnaker-injected values → preflight checks. Precedence is artifact < overlays < stage overrides < injected.
 *
 * @example resolveTaskDefinition({ artifact: yamlText, images: { containerToImageMap: { web: 'repo/web:1.2' } } })
 */
export function resolveTaskDefinition(input: ResolveInput): ResolveResult {
  const parsed = parseTaskDefinitionArtifact(input.artifact);
  const report = [...parsed.report];
  const findings = [...parsed.findings];
  if (!parsed.taskDefinition) return { ok: false, report, findings, images: [] };

  const td = applyOverrides(parsed.taskDefinition, input.overrides ?? {}, findings, report);
  const images = bindImages(td, input.images ?? {}, findings, report);
  if (input.serverGroup) injectServerGroup(td, input.serverGroup, findings, report);
  findings.push(...preflightTaskDefinition(td, input.service ?? {}));
  return { ok: !findings.some((f) => f.severity === 'error'), taskDefinition: td, report, findings, images };
}
