import { isRecord, pointer } from './types.js';

export interface DiffChange {
  op: 'add' | 'remove' | 'replace';
  /** JSON pointer: into the new document for add/replace, into the old one for remove. */
  path: string;
  from?: unknown;
  value?: unknown;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

const named = (arr: unknown[]) => arr.every((x) => isRecord(x) && typeof x.name === 'string') && new Set(arr.map((x) => (x as { name: string }).name)).size === arr.length;

/**
 * A readable diff of two task definitions (ecspresso `diff`): objects by key, lists of named things (containers,
 * environment, secrets) by `name`, other lists as a whole.
 */
export function diffTaskDefinitions(before: unknown, after: unknown, at = ''): DiffChange[] {
  if (equal(before, after)) return [];
  if (isRecord(before) && isRecord(after)) {
    const out: DiffChange[] = [];
    for (const k of Object.keys(before)) if (!(k in after)) out.push({ op: 'remove', path: at + pointer(k), from: before[k] });
    for (const [k, v] of Object.entries(after)) {
      if (!(k in before)) out.push({ op: 'add', path: at + pointer(k), value: v });
      else out.push(...diffTaskDefinitions(before[k], v, at + pointer(k)));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after) && named(before) && named(after)) {
    const out: DiffChange[] = [];
    const idxOld = new Map(before.map((x, i) => [(x as { name: string }).name, i]));
    const newNames = new Set(after.map((x) => (x as { name: string }).name));
    before.forEach((x, i) => {
      if (!newNames.has((x as { name: string }).name)) out.push({ op: 'remove', path: at + pointer(i), from: x });
    });
    after.forEach((x, i) => {
      const j = idxOld.get((x as { name: string }).name);
      if (j === undefined) out.push({ op: 'add', path: at + pointer(i), value: x });
      else out.push(...diffTaskDefinitions(before[j], x, at + pointer(i)));
    });
    return out;
  }
  return [{ op: 'replace', path: at, from: before, value: after }];
}
