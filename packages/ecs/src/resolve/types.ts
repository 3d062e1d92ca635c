/** A key/value pair of `environment` or a `secrets` entry. */
export interface NameValue {
  name?: string;
  value?: string;
}
export interface NameValueFrom {
  name?: string;
  valueFrom?: string;
}

/** One container of a task definition, loosely typed: the model in `taskDefinitionModel.ts` is what checks shape. */
export interface ContainerDefinition {
  name?: string;
  image?: string;
  environment?: NameValue[];
  secrets?: NameValueFrom[];
  dockerLabels?: Record<string, string>;
  portMappings?: { containerPort?: number; hostPort?: number; protocol?: string; name?: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string>; secretOptions?: NameValueFrom[] };
  firelensConfiguration?: { type?: string; options?: Record<string, string> };
  [key: string]: unknown;
}

/** A RegisterTaskDefinition request. */
export interface TaskDefinition {
  family?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  networkMode?: string;
  requiresCompatibilities?: string[];
  cpu?: string;
  memory?: string;
  containerDefinitions: ContainerDefinition[];
  tags?: { key?: string; value?: string }[];
  [key: string]: unknown;
}

/**
 * One change the resolver made to the document. `pointer` is an RFC 6901 JSON pointer: into the input document for
 * `unwrapped`/`dropped`/`renamed`/`converted` (what the author wrote), into the rendered task definition otherwise.
 */
export interface ReportEntry {
  action: 'unwrapped' | 'dropped' | 'renamed' | 'converted' | 'set' | 'replaced' | 'removed' | 'patched';
  pointer: string;
  /** For `renamed`/`unwrapped`: where the value went in the rendered task definition. */
  to?: string;
  /** Who made the change: normalising the artifact, an overlay, a stage override or a Spinnaker-injected value. */
  source: 'artifact' | 'overlay' | 'override' | 'injected' | 'image';
  reason: string;
}

/** A problem found while resolving or checking; machine-readable, with a JSON pointer. */
export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  /** Where: `taskDefinition` = the rendered task definition, `request` = the render/deploy request, `artifact` = the input document. */
  in: 'taskDefinition' | 'request' | 'artifact';
  pointer: string;
  message: string;
  container?: string;
}

/** RFC 6901 pointer from path segments. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((seg) => '/' + String(seg).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
