/** Keys whose members are user data (env vars, tags, weights) and keep their case. */
const OPAQUE = new Set(['Variables', 'Tags', 'AdditionalVersionWeights', 'revisions', 'tags']);

/**
 * An SDK response in clouddriver's JSON form: keys lower-camel-cased (`FunctionName` → `functionName`, `UUID` →
 * `uuid`), `$metadata`
 * dropped, nulls and undefined left out, bytes base64. User maps (environment variables, tags) keep their keys.
 */
export function toCamel(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toCamel).filter((v) => v !== undefined);
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === '$metadata' || v === undefined || v === null) continue;
    // Jackson's bean naming, as clouddriver serialises SDK objects: `UUID` → `uuid`, `KMSKeyArn` → `kmskeyArn`.
    const key = k === 'KMSKeyArn' ? 'kmskeyArn' : /^[A-Z0-9]+$/.test(k) ? k.toLowerCase() : k.charAt(0).toLowerCase() + k.slice(1);
    out[key] = OPAQUE.has(k) && typeof v === 'object' ? { ...(v as object) } : toCamel(v);
  }
  return out;
}
