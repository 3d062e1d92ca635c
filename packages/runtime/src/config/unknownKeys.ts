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

/**
 * Top-level keys of the other Spinnaker services' files (clouddriver, Rosco, Orca, Gate, Fiat, Front50, Igor, Echo,
 * Kayenta) and of Spring that an operator may paste beside outrigger's sections. They are never taken for typos.
 */
const OTHER_SERVICES_TOP_LEVEL = new Set(
  [
    'alicloud', 'appengine', 'artifact', 'azure', 'bakery', 'bitbucket', 'caching', 'cloudfoundry', 'cloudrun', 'credentials', 'dcos',
    'default', 'docker', 'dockerRegistry', 'echo', 'endpoints', 'executionHistory', 'feature', 'features', 'fiat', 'front50', 'gate',
    'gce', 'github', 'gitlab', 'google', 'hal', 'halyard', 'huaweicloud', 'igor', 'jenkins', 'kayenta', 'keel', 'kubernetes', 'ldap',
    'management', 'metrics', 'netflix', 'oauth', 'oauth2', 'oci', 'okHttpClient', 'okhttp', 'openstack', 'oracle', 'orca', 'packer', 'pipelineTemplates', 'plugins',
    'pollers', 'redis', 'retrofit', 'rosco', 'saml', 'security', 'services', 'spectator', 'spinnaker', 'spring', 'sql', 'tasks',
    'tencentcloud', 'titus', 'travis', 'webhook', 'webhooks', 'wercker', 'x509', 'yandex',
  ].map((k) => k.toLowerCase()),
);

/**
 * Unknown top-level keys that look like a misspelt section of outrigger's own (`bakee`, `lamdba`, `data_dir`): a whole
 * section that never applies is the worst silent mistake. Stricter than `closest`, because every other service's
 * sections also sit at the top level: a key known from those files is never reported, keys of up to four letters may
 * be one edit away, longer ones two, and case and `-`/`_` never count.
 */
export function topLevelTypos(value: unknown, own: readonly string[]): UnknownKey[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const norm = (k: string) => k.toLowerCase().replace(/[-_]/g, '');
  const ownNorm = new Set(own.map(norm));
  const out: UnknownKey[] = [];
  for (const key of Object.keys(value)) {
    if (own.includes(key) || OTHER_SERVICES_TOP_LEVEL.has(key.toLowerCase())) continue;
    const n = norm(key);
    let best: { k: string; d: number } | undefined;
    for (const k of own) {
      const d = ownNorm.has(n) && norm(k) === n ? 0 : distance(n, norm(k));
      if (!best || d < best.d) best = { k, d };
    }
    if (best && best.d <= (n.length <= 4 ? 1 : 2)) out.push({ path: [key], suggestion: best.k });
  }
  return out;
}
