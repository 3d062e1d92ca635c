import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '@outrigger/contract';
import { composeLambda, type LambdaHarness } from './__fixtures__/composeLambda.js';

// A local version of the spec-driven bad-input suite: for every Lambda operation with a JSON body, missing required
// fields, wrong types, over-long strings, malformed JSON and a wrong content type must answer 4xx in the error shape.
type Schema = { type?: string | string[]; required?: string[]; properties?: Record<string, Schema>; allOf?: Schema[]; $ref?: string; maxLength?: number };
const doc = openapiDocument as unknown as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };

function deref(s: Schema): Schema {
  if (s.$ref) return deref(doc.components.schemas[s.$ref.split('/').pop()!]!);
  if (s.allOf) {
    const parts = s.allOf.map(deref);
    return { type: 'object', required: parts.flatMap((p) => p.required ?? []), properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})) };
  }
  return s;
}

const valid: Record<string, unknown> = { credentials: 'prod', region: 'us-east-1', functionName: 'shop-x', aliasName: 'live', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q', qualifier: 'live', reservedConcurrentExecutions: 1, provisionedConcurrentExecutions: 1 };

let h: LambdaHarness;
beforeAll(async () => {
  h = await composeLambda();
});
afterAll(async () => h.close());

const ops = Object.entries(doc.paths).filter(([p, item]) => p.startsWith('/aws/ops/') && item.post);

describe('bad input answers 4xx in the error shape', () => {
  for (const [path, item] of ops) {
    it(path, async () => {
      const schema = deref(item.post.requestBody.content['application/json'].schema);
      const base = Object.fromEntries((schema.required ?? []).map((k) => [k, valid[k]]));
      const cases: [string, string, Record<string, string>?][] = [['malformed', '{"credentials":'], ['wrong content type', 'credentials=prod', { 'content-type': 'text/plain' }], ['array', '[]']];
      for (const k of schema.required ?? []) {
        const { [k]: _, ...rest } = base;
        cases.push([`missing ${k}`, JSON.stringify(rest)]);
      }
      for (const [k, prop] of Object.entries(schema.properties ?? {})) {
        const p = deref(prop);
        cases.push([`wrong type ${k}`, JSON.stringify({ ...base, [k]: p.type === 'object' || (Array.isArray(p.type) && p.type.includes('object')) ? 12 : { x: 1 } })]);
        if (p.maxLength) cases.push([`long ${k}`, JSON.stringify({ ...base, [k]: 'a'.repeat(p.maxLength + 1) })]);
      }
      for (const [name, body, headers] of cases) {
        const r = await h.post(path, body, headers);
        expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBeGreaterThanOrEqual(400);
        expect(r.status, name).toBeLessThan(500);
        expect(r.body, name).toMatchObject({ status: r.status, error: expect.any(String), message: expect.any(String), path });
      }
    });
  }
});
