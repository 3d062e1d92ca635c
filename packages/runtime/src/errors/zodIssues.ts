import type { FieldError } from '@outrigger/contract';
import type { z } from 'zod';

/** Renders a zod issue path as a JSON path under `root` (`$.body.containers[0].image`). */
export function jsonPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/**
 * Flattens zod issues into `errors[]`, one entry per bad field. Messages name what was expected; they never include
 * the received value, so a secret in a wrong place is not echoed back.
 */
export function fieldErrors(root: string, error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors) && issue.errors.length) {
      // Report the branch that got furthest, so the field is named rather than "invalid input".
      const best = [...issue.errors].sort((a, b) => deepest(b) - deepest(a))[0]!;
      for (const inner of best) out.push({ field: jsonPath(root, [...issue.path, ...inner.path]), message: inner.message });
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: jsonPath(root, [...issue.path, key]), message: 'unknown field' });
      continue;
    }
    out.push({ field: jsonPath(root, issue.path), message: issue.message });
  }
  return out;
}

function deepest(issues: readonly { path: readonly PropertyKey[] }[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}
