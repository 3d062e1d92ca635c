// The bad-input suite (harness (a) of the foundation), generated from the OpenAPI document: for every operation it
// sends missing required fields, wrong types, strings over maxLength, malformed JSON, wrong content types and an
// oversized body, and requires a 4xx in Spinnaker's error shape. No answer may be a 5xx. It also proves every
// operation is mounted (drift check (e)): a request the spec says is bad gets our 400, not a 404.
import { ErrorBodySchema } from '@outrigger/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillPath, resolve, sample, specOperations, wrongType, type Schema, type SpecOperation } from '../support/specWalker.js';
import { startApp, type Started } from '../support/startApp.js';

interface Case {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The spec says this request is wrong: it must be a 4xx (not only "not a 5xx"). */
  mustReject: boolean;
}

const HEADERS = { 'x-spinnaker-user': 'bad-input-suite@example.com', 'x-spinnaker-accounts': 'no-such-account' };
const json = (v: unknown) => JSON.stringify(v);

function cases(op: SpecOperation): Case[] {
  const out: Case[] = [];
  const path = fillPath(op);
  const at = (p: string, q = '') => `${p}${q}`;
  const base = { method: op.method.toUpperCase(), path };

  // Path parameters over their maxLength.
  for (const p of op.parameters.filter((x) => x.in === 'path')) {
    const s = p.schema && resolve(p.schema);
    if (s?.maxLength) out.push({ ...base, name: `path ${p.name} longer than ${s.maxLength}`, path: fillPath(op, { [p.name]: 'a'.repeat(s.maxLength + 1) }), mustReject: true });
  }
  // Query parameters of the wrong type, over maxLength, and required ones missing.
  const query = op.parameters.filter((x) => x.in === 'query');
  const validQuery = new URLSearchParams();
  for (const q of query.filter((x) => x.required)) validQuery.set(q.name, String(sample(q.schema)));
  for (const q of query) {
    const s = q.schema && resolve(q.schema);
    if (!s) continue;
    const wrong = wrongType(s);
    if ((s.type === 'integer' || s.type === 'number' || s.type === 'boolean' || s.enum) && wrong !== undefined) {
      const qs = new URLSearchParams(validQuery);
      qs.set(q.name, String(wrong));
      out.push({ ...base, name: `query ${q.name} of the wrong type`, path: at(path, `?${qs}`), mustReject: true });
    }
    if (s.maxLength) {
      const qs = new URLSearchParams(validQuery);
      qs.set(q.name, 'a'.repeat(s.maxLength + 1));
      out.push({ ...base, name: `query ${q.name} longer than ${s.maxLength}`, path: at(path, `?${qs}`), mustReject: true });
    }
    if (q.required) {
      const qs = new URLSearchParams(validQuery);
      qs.delete(q.name);
      out.push({ ...base, name: `query ${q.name} missing`, path: at(path, qs.size ? `?${qs}` : ''), mustReject: true });
    }
  }
  const pathWithQuery = at(path, validQuery.size ? `?${validQuery}` : '');

  if (op.body) {
    const schema = resolve(op.body);
    const good = sample(schema);
    const jsonHeaders = { 'content-type': 'application/json' };
    out.push({ ...base, path: pathWithQuery, name: 'malformed JSON', headers: jsonHeaders, body: '{"credentials": "x", ', mustReject: true });
    out.push({ ...base, path: pathWithQuery, name: 'wrong content type', headers: { 'content-type': 'text/plain' }, body: 'hello', mustReject: true });
    out.push({ ...base, path: pathWithQuery, name: 'body larger than the server accepts', headers: jsonHeaders, body: json({ blob: 'x'.repeat(2 * 1024 * 1024) }), mustReject: true });
    if (op.bodyRequired) out.push({ ...base, path: pathWithQuery, name: 'no body', mustReject: true });
    out.push({ ...base, path: pathWithQuery, name: 'body of the wrong JSON type', headers: jsonHeaders, body: json(wrongType(schema) ?? 'nope'), mustReject: true });
    const props = objectProps(schema);
    if (props) {
      for (const req of props.required ?? []) {
        const body = { ...(good as object) } as Record<string, unknown>;
        delete body[req];
        out.push({ ...base, path: pathWithQuery, name: `missing required ${req}`, headers: jsonHeaders, body: json(body), mustReject: true });
      }
      for (const [key, prop] of Object.entries(props.properties ?? {})) {
        const wrong = wrongType(prop);
        if (wrong !== undefined) {
          out.push({ ...base, path: pathWithQuery, name: `${key} of the wrong type`, headers: jsonHeaders, body: json({ ...(good as object), [key]: wrong }), mustReject: true });
        }
        const s = resolve(prop);
        if (s.maxLength) {
          out.push({ ...base, path: pathWithQuery, name: `${key} longer than ${s.maxLength}`, headers: jsonHeaders, body: json({ ...(good as object), [key]: 'a'.repeat(s.maxLength + 1) }), mustReject: true });
        }
      }
    }
    // Arrays of descriptions (clouddriver's list form): one bad element.
    if (schema.type === 'array' && schema.items) {
      out.push({ ...base, path: pathWithQuery, name: 'array with a bad element', headers: jsonHeaders, body: json([7]), mustReject: true });
    }
  } else if (op.otherMediaTypes.length === 0 && ['POST', 'PUT', 'PATCH'].includes(base.method)) {
    out.push({ ...base, path: pathWithQuery, name: 'unexpected malformed JSON body', headers: { 'content-type': 'application/json' }, body: '{', mustReject: false });
  }
  // Garbage everywhere an operation might look, for every operation: never a 5xx.
  out.push({ ...base, path: at(path, '?%zz=%E0%A4%A&limit=-1&rebake=maybe'), name: 'garbage query string', mustReject: false });
  return out;
}

function objectProps(schema: Schema): Schema | undefined {
  const s = resolve(schema);
  if (s.properties || s.required) return s;
  if (s.allOf) return { properties: Object.assign({}, ...s.allOf.map((x) => resolve(x).properties ?? {})), required: s.allOf.flatMap((x) => resolve(x).required ?? []) };
  return undefined;
}

let app: Started;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => app?.close());

const ops = specOperations();

describe.each(ops.map((o) => [`${o.operationId} (${o.method.toUpperCase()} ${o.path})`, o] as const))('%s', (_name, op) => {
  it.each(cases(op).map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const res = await fetch(app.url + c.path, { method: c.method, headers: { ...HEADERS, ...c.headers }, ...(c.body !== undefined ? { body: c.body } : {}) });
    const text = await res.text();
    expect(res.status, `${c.method} ${c.path.slice(0, 120)} answered ${res.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
    if (c.mustReject) expect(res.status, `expected a 4xx, got ${res.status}: ${text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    if (res.status >= 400) {
      const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
      expect(parsed.success, `error body shape: ${text.slice(0, 300)}`).toBe(true);
      if (c.mustReject && res.status === 404) {
        // A 404 for a bad request would mean the operation is not mounted.
        expect(parsed.data?.message).not.toMatch(/^No handler for/);
      }
      expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack traces
    }
  });
});

describe('a body that is JSON but not an object', () => {
  const withObjectBody = ops.filter((op) => op.body && resolve(op.body).type !== 'array' && objectProps(op.body));
  it.each(withObjectBody.flatMap((op) => ['null', '"str"', '123'].map((body) => [`${op.operationId} ${body}`, op, body] as const)))(
    '%s is "expected an object"',
    async (_n, op, body) => {
      const res = await fetch(app.url + fillPath(op), { method: op.method.toUpperCase(), headers: { ...HEADERS, 'content-type': 'application/json' }, body });
      const parsed = (await res.json()) as { message: string; errors: unknown[] };
      expect(res.status).toBe(400);
      expect(parsed.message).not.toMatch(/not valid JSON/);
      expect(parsed.errors).toEqual([{ field: '$.body', message: 'expected an object' }]);
    },
  );
});
