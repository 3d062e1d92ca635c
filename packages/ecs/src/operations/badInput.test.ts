import { openapiDocument } from '@outrigger/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEcsApp } from '../__fixtures__/startEcsApp.js';

/**
 * A local version of the spec-driven bad-input suite: for every ECS operation with a body, malformed JSON, a wrong
 * content type, a wrong top-level type, each missing required field and each string of maxLength+1 must answer 4xx
 * in the error shape, never 5xx.
 */
type Schema = { $ref?: string; allOf?: Schema[]; type?: string; properties?: Record<string, Schema>; required?: string[]; maxLength?: number; items?: Schema };
const doc = openapiDocument as unknown as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> } }>>; components: { schemas: Record<string, Schema> } };

function deref(s: Schema): Schema {
  if (s.$ref) return deref(doc.components.schemas[s.$ref.split('/').pop()!]!);
  if (s.allOf) {
    const parts = s.allOf.map(deref);
    return { type: 'object', properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})), required: parts.flatMap((p) => p.required ?? []) };
  }
  return s;
}

const ops = Object.entries(doc.paths)
  .filter(([p]) => p.startsWith('/ecs/'))
  .flatMap(([p, methods]) => Object.entries(methods).filter(([, op]) => op.requestBody).map(([, op]) => ({ path: p, schema: deref(op.requestBody!.content['application/json']!.schema) })));

let app: Awaited<ReturnType<typeof startEcsApp>>;
beforeAll(async () => {
  app = await startEcsApp();
});
afterAll(() => app.close());

async function send(path: string, body: string, contentType = 'application/json') {
  const res = await fetch(app.baseUrl() + path, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const expect4xx = (r: { status: number; body: Record<string, unknown> }) => {
  expect(r.status).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
  for (const k of ['timestamp', 'status', 'error', 'message', 'path']) expect(r.body).toHaveProperty(k);
};

describe.each(ops)('bad input to $path', ({ path, schema }) => {
  it('malformed JSON, wrong content type, wrong top-level type', async () => {
    expect4xx(await send(path, '{"a":'));
    expect4xx(await send(path, 'hello', 'text/plain'));
    expect4xx(await send(path, schema.type === 'array' ? '{}' : '[]'));
    expect4xx(await send(path, '42'));
    expect4xx(await send(path, ''));
  });
  if (schema.type !== 'array') {
    const valid: Record<string, unknown> = { credentials: 'prod', region: 'us-east-1', serverGroupName: 'x-v000', capacity: { min: 0, max: 1, desired: 0 }, strategy: 'none' };
    it.each(schema.required ?? [])('missing required %s', async (field) => {
      const body = { ...valid };
      delete body[field];
      expect4xx(await send(path, JSON.stringify(body)));
    });
    const long = Object.entries(schema.properties ?? {}).filter(([, p]) => deref(p).maxLength !== undefined);
    it.each(long)('%s of maxLength+1', async (field, p) => {
      expect4xx(await send(path, JSON.stringify({ ...valid, [field]: 'x'.repeat(deref(p).maxLength! + 1) })));
    });
  }
});
