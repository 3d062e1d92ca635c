import type { z } from 'zod';

/**
 * Jackson-like leniency for the descriptions Orca forwards, in ONE place.
 *
 * Deck builds stage contexts from form fields (an untouched number input is `""`: e.g. Deck's ECS command builder
 * leaves `healthCheckGracePeriodSeconds: ''`, deck/packages/ecs/src/serverGroup/configure/serverGroupCommandBuilder.service.js)
 * and Orca passes the context through unchanged. clouddriver reads it with Jackson, whose default scalar coercion
 * (`MapperFeature.ALLOW_COERCION_OF_SCALARS`, on by default) turns an empty string into "not set" (null) for
 * `Integer`/`Boolean` fields and a number written as a string into that number. outrigger applies the same rule,
 * driven by the zod schema, to every integer, number and boolean field of every description:
 *
 * - `""` (or only spaces) where the schema expects a number or a boolean: the field is not set (removed);
 * - a numeric string (`"30"`, `" 2.5 "`, `"-1"`) where a number is expected: that number;
 * - `"true"` / `"false"` (any case) where a boolean is expected: that boolean;
 * - a field named in `ZERO_MEANS_UNSET` holding `0`: not set. Orca's LambdaUpdateEventConfigurationTask copies its
 *   input's primitive-defaulted `batchsize` (0 when the stage has none) into every upsert.
 *
 * Anything else is left alone, so a real type error (`"abc"` for a number) is still a 400 naming the field.
 */
export const ZERO_MEANS_UNSET: ReadonlySet<string> = new Set(['batchsize']);

type Kind = 'number' | 'boolean' | undefined;

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
  catchall?: z.ZodType;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Follows wrappers (optional, nullable, default, pipe/preprocess, lazy…) to the schema that decides the shape. */
function unwrap(s: z.ZodType, depth = 0): z.ZodType {
  const d = defOf(s);
  if (depth > 20) return s;
  if (d.innerType) return unwrap(d.innerType, depth + 1);
  if (d.type === 'pipe') {
    const out = d.out && defOf(d.out).type !== 'transform' ? d.out : d.in;
    return out ? unwrap(out, depth + 1) : s;
  }
  if (d.type === 'lazy' && d.getter) return unwrap(d.getter(), depth + 1);
  return s;
}

function scalarKind(s: z.ZodType): Kind {
  const d = defOf(unwrap(s));
  if (d.type === 'number' || d.type === 'int' || d.type === 'bigint') return 'number';
  if (d.type === 'boolean') return 'boolean';
  if (d.type === 'union' && d.options) {
    const kinds = d.options.map(scalarKind);
    if (kinds.includes('number') && !d.options.some((o) => defOf(unwrap(o)).type === 'string')) return 'number';
    if (kinds.includes('boolean') && !d.options.some((o) => defOf(unwrap(o)).type === 'string')) return 'boolean';
  }
  return undefined;
}

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
const UNSET = Symbol('unset');

function coerceScalar(kind: Kind, v: unknown, key: string | undefined): unknown {
  if (kind === 'number') {
    if (typeof v === 'string') {
      if (v.trim() === '') return UNSET;
      if (NUMERIC.test(v)) v = Number(v);
    }
    if (v === 0 && key !== undefined && ZERO_MEANS_UNSET.has(key)) return UNSET;
    return v;
  }
  if (kind === 'boolean' && typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === '') return UNSET;
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  return v;
}

function walk(schema: z.ZodType, value: unknown, key: string | undefined, depth: number): unknown {
  if (depth > 32 || value === null || value === undefined) return value;
  const kind = scalarKind(schema);
  if (kind) return coerceScalar(kind, value, key);
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === 'object' && d.shape && typeof value === 'object' && !Array.isArray(value)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const field = d.shape[k] ?? d.catchall;
      if (!field) continue;
      const next = walk(field, v, k, depth + 1);
      if (next !== v) {
        out ??= { ...(value as Record<string, unknown>) };
        if (next === UNSET) delete out[k];
        else out[k] = next;
      }
    }
    return out ?? value;
  }
  if (d.type === 'array' && d.element && Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const next = walk(d.element!, v, undefined, depth + 1);
      if (next !== v) changed = true;
      return next === UNSET ? null : next;
    });
    return changed ? out : value;
  }
  if (d.type === 'record' && d.valueType && typeof value === 'object' && !Array.isArray(value)) {
    let out: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const next = walk(d.valueType, v, k, depth + 1);
      if (next !== v) {
        out ??= { ...(value as Record<string, unknown>) };
        if (next === UNSET) delete out[k];
        else out[k] = next;
      }
    }
    return out ?? value;
  }
  if (d.type === 'intersection' && d.left && d.right) return walk(d.right, walk(d.left, value, key, depth + 1), key, depth + 1);
  if (d.type === 'union' && d.options && typeof value === 'object') {
    // Objects in a union: coerce with the first object option that knows every key the value has (or the first one).
    const objects = d.options.filter((o) => defOf(unwrap(o)).type === 'object' || defOf(unwrap(o)).type === 'array');
    const fits = objects.find((o) => {
      const od = defOf(unwrap(o));
      return Array.isArray(value) ? od.type === 'array' : od.type === 'object' && Object.keys(value as object).every((k) => od.shape?.[k]);
    });
    const pick = fits ?? objects.find((o) => (defOf(unwrap(o)).type === 'array') === Array.isArray(value));
    return pick ? walk(pick, value, key, depth + 1) : value;
  }
  return value;
}

/** `value` read as Jackson reads it into the type `schema` describes (see the module comment). Never throws. */
export function jacksonLenient<T>(schema: z.ZodType | undefined, value: T): T {
  if (!schema) return value;
  const out = walk(schema, value, undefined, 0);
  return (out === UNSET ? undefined : out) as T;
}
