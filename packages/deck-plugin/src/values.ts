import type { StageDefinition, StageParameter } from './stages/definitions.js';

/** Parses a JSON-valued parameter (stored as JSON text, as Orca's string parameters carry it). */
export function parseJsonParam(text: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof text !== 'string') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${(err as Error).message}` };
  }
}

export interface TrafficStep {
  weight: number;
  bakeSeconds?: number;
}

/** Whether the payload carries the parameter (see `sendWhen`). */
export function isSent(p: StageParameter, all: Record<string, unknown>): boolean {
  if (!p.sendWhen) return true;
  const v = all[p.sendWhen.param];
  if (p.sendWhen.present) return v !== undefined && v !== null && v !== '';
  return p.sendWhen.equals !== undefined ? v === p.sendWhen.equals : v !== p.sendWhen.notEquals;
}

/** Every problem of one parameter value, in words a pipeline author can act on; `undefined` when fine. */
export function problemOf(p: StageParameter, value: unknown, all: Record<string, unknown>): string | undefined {
  if (!isSent(p, all)) return undefined;
  const empty = value === undefined || value === null || value === '';
  if (empty) return p.required ? `${p.label} is required.` : undefined;
  const text = String(value);
  if (text.includes('${')) return undefined; // SpEL: Orca evaluates it at run time
  switch (p.type) {
    case 'integer': {
      const n = Number(value);
      if (!Number.isInteger(n)) return `${p.label} must be a whole number.`;
      if (p.min !== undefined && n < p.min) return `${p.label} must be at least ${p.min}.`;
      if (p.max !== undefined && n > p.max) return `${p.label} must be at most ${p.max}.`;
      return undefined;
    }
    case 'enum':
      return p.options?.includes(text) ? undefined : `${p.label} must be one of ${p.options?.join(', ')}.`;
    case 'json':
    case 'imageMap':
    case 'trafficSteps':
    case 'stringList':
    case 'jsonList': {
      const parsed = parseJsonParam(value);
      if (!parsed.ok) return `${p.label}: ${parsed.error}`;
      const v = parsed.value;
      if (p.type === 'json' && (typeof v !== 'object' || v === null || Array.isArray(v))) return `${p.label} must be a JSON object.`;
      if (p.type === 'imageMap') {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p.label} must map container names to images.`;
        const entries = Object.entries(v as Record<string, unknown>);
        if (p.required && entries.length === 0) return `${p.label}: add at least one container.`;
        for (const [c, img] of entries) {
          if (!c.trim()) return `${p.label}: a container name is empty.`;
          if (typeof img !== 'string' || !img.trim()) return `${p.label}: container "${c}" has no image.`;
        }
      }
      if (p.type === 'jsonList' && (!Array.isArray(v) || v.some((o) => typeof o !== 'object' || o === null || Array.isArray(o))))
        return `${p.label} must be a JSON list of objects, e.g. [{"metric": "Errors", "threshold": 0.01}].`;
      if (p.type === 'stringList' && (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || !s.trim())))
        return `${p.label}: every entry needs a name.`;
      if (p.type === 'trafficSteps') {
        if (!Array.isArray(v) || v.length === 0) return `${p.label}: add at least one step.`;
        let last = 0;
        for (const [i, s] of (v as TrafficStep[]).entries()) {
          const w = Number(s?.weight);
          if (!Number.isInteger(w) || w < 1 || w > 100) return `${p.label}: step ${i + 1} weight must be 1–100.`;
          if (w <= last) return `${p.label}: step ${i + 1} weight must be more than the step before (${last}).`;
          last = w;
          if (w < 100 && !(Number(s.bakeSeconds) > 0)) return `${p.label}: step ${i + 1} needs a bake time in seconds.`;
        }
        if (last !== 100) return `${p.label}: the last step must be 100.`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The form's errors keyed as Formik keys them (`parameterValues.<name>`), for FormikStageConfig's `validate`. */
export function validateStage(def: StageDefinition, stage: { parameterValues?: Record<string, unknown> }): Record<string, unknown> {
  const values = stage.parameterValues ?? {};
  const errors: Record<string, string> = {};
  for (const p of def.parameters) {
    const problem = problemOf(p, values[p.name], values);
    if (problem) errors[p.name] = problem;
  }
  return Object.keys(errors).length ? { parameterValues: errors } : {};
}
