import type { z } from 'zod';

export interface UnknownKey {
  /** Key path inside the value given, e.g. `['packer', 'timeoutMinute']`. */
  path: (string | number)[];
  /** The closest key the schema knows at that level, when one is close enough to be a typo. */
  suggestion?: string;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Keys in `value` that `schema` does not know, at every level where the schema is a plain `z.object` (which would
 * silently drop them): a misspelt `bake.maxConcurentBakes` is an error, not a setting that never applies. Objects
 * declared loose (`z.looseObject`, clouddriver's and Rosco's pasted sections) and records accept any key and are not
 * checked; with `skipRoot`, neither are the keys of `value` itself (the top level of the file, where other services'
 * sections sit).
 */
export function unknownKeys(schema: z.ZodType, value: unknown, options: { skipRoot?: boolean } = {}): UnknownKey[] {
  const out: UnknownKey[] = [];
  const walk = (s: z.ZodType, v: unknown, at: (string | number)[], root: boolean): void => {
    const def = defOf(s);
    switch (def.type) {
      case 'default':
      case 'prefault':
      case 'optional':
      case 'nullable':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        return walk(def.innerType!, v, at, root);
      case 'pipe':
        return walk(def.in!, v, at, root);
      case 'array':
        if (Array.isArray(v)) v.forEach((item, i) => walk(def.element!, item, [...at, i], false));
        return;
      case 'record':
        if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, item] of Object.entries(v)) walk(def.valueType!, item, [...at, k], false);
        return;
      case 'object': {
        if (!v || typeof v !== 'object' || Array.isArray(v)) return;
        const shape = def.shape ?? {};
        const known = Object.keys(shape);
        for (const [k, item] of Object.entries(v)) {
          if (k in shape) walk(shape[k]!, item, [...at, k], false);
          else if (!def.catchall && !root) {
            const suggestion = closest(k, known);
            out.push({ path: [...at, k], ...(suggestion ? { suggestion } : {}) });
          }
        }
        return;
      }
      default:
        return;
    }
  };
  walk(schema, value, [], options.skipRoot ?? false);
  return out;
}

/** The known key nearest to `key` (edit distance, case-insensitive), if it is near enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
