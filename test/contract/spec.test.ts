// Drift check (d): the bundled spec and the operation table agree, and every example in the spec parses with the zod
// schema that stands for it.
import * as contract from '@outrigger/contract';
import { operations } from '@outrigger/contract';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { componentSchemas, resolve, specOperations } from '../support/specWalker.js';

const ops = specOperations();
const table = operations as Record<string, { method: string; path: string; body?: z.ZodType; response?: z.ZodType }>;

describe('the operation table matches the spec', () => {
  it('has exactly the spec operationIds', () => {
    expect(Object.keys(table).sort()).toEqual(ops.map((o) => o.operationId).sort());
  });
  it.each(ops.map((o) => [o.operationId, o] as const))('%s: same method and path', (id, op) => {
    expect(table[id]).toMatchObject({ method: op.method, path: op.path });
  });
  it.each(ops.filter((o) => o.body).map((o) => [o.operationId] as const))('%s: has a body schema', (id) => {
    expect(table[id]?.body, `${id} takes a JSON body in the spec but its row has no body schema`).toBeDefined();
  });
});

// Top-level schemas are exported as `<Name>Schema` and pinned to their generated type; nested parts are pinned through
// the schema that contains them. Every component with examples must have its own zod schema, and its examples parse.
describe('component examples parse with their zod schemas', () => {
  const schemas = componentSchemas();
  const named = contract as unknown as Record<string, z.ZodType | undefined>;
  const withExamples = Object.keys(schemas).filter((n) => (resolve(schemas[n]).examples ?? []).length > 0);
  it('some components carry examples', () => expect(withExamples.length).toBeGreaterThan(0));
  it.each(withExamples.map((n) => [n] as const))('%s', (name) => {
    const zod = named[`${name}Schema`];
    expect(zod, `${name} has examples: export ${name}Schema from @outrigger/contract`).toBeDefined();
    for (const example of resolve(schemas[name]).examples ?? []) {
      const r = zod!.safeParse(example);
      expect(r.success, `${name} example: ${r.success ? '' : JSON.stringify(r.error.issues)}`).toBe(true);
    }
  });
});

describe('request and response examples parse with the operation schemas', () => {
  for (const op of ops) {
    const row = table[op.operationId]!;
    const media = (op.raw.requestBody as { content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown }> }> } | undefined)
      ?.content;
    const bodyExamples = Object.entries(media ?? {})
      .filter(([t]) => /json/.test(t))
      .flatMap(([, m]) => [...(m.example !== undefined ? [m.example] : []), ...Object.values(m.examples ?? {}).map((e) => resolve<{ value?: unknown }>(e).value)]);
    for (const [i, example] of bodyExamples.entries()) {
      it(`${op.operationId} request example ${i}`, () => {
        const r = row.body!.safeParse(example);
        expect(r.success, r.success ? '' : JSON.stringify(r.error.issues)).toBe(true);
      });
    }
    const ok = resolve<{ content?: Record<string, { example?: unknown; examples?: Record<string, { value?: unknown }> }> }>(
      op.responses['200'] ?? op.responses['202'] ?? op.responses['201'] ?? {},
    ).content;
    const responseExamples = Object.entries(ok ?? {})
      .filter(([t]) => /json/.test(t))
      .flatMap(([, m]) => [...(m.example !== undefined ? [m.example] : []), ...Object.values(m.examples ?? {}).map((e) => resolve<{ value?: unknown }>(e).value)]);
    for (const [i, example] of responseExamples.entries()) {
      it(`${op.operationId} response example ${i}`, () => {
        expect(row.response, `${op.operationId} has a response example but no response schema`).toBeDefined();
        const r = row.response!.safeParse(example);
        expect(r.success, r.success ? '' : JSON.stringify(r.error.issues)).toBe(true);
      });
    }
  }
});
