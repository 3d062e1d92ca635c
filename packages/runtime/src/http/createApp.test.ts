import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiDocument } from '@outrigger/contract';
import { createAuthorizer } from '../auth/createAuthorizer.js';
import { ConfigSchema } from '../config/configSchema.js';
import { InputError, NotImplementedError, UpstreamError } from '../errors/errors.js';
import { InMemoryTaskStore } from '../tasks/InMemoryTaskStore.js';
import { createTaskRunner } from '../tasks/createTaskRunner.js';
import { createOperationBinder } from './bindOperation.js';
import { createApp } from './createApp.js';
import { createCoreRouter } from './createCoreRouter.js';
import { createLogger } from './createLogger.js';
import { createMetrics } from './createMetrics.js';

const config = ConfigSchema.parse({ aws: { accounts: [{ name: 'prod', permissions: { READ: ['x'], WRITE: ['x'] } }, { name: 'dev' }] } });
const logLines: string[] = [];
const logger = createLogger({ level: 'info', destination: { write: (l: string) => void logLines.push(l) } });
const store = new InMemoryTaskStore();
const tasks = createTaskRunner({ store, logger, ownerId: 'me@test' });
const authorizer = createAuthorizer({ config });
const bind = createOperationBinder({ authorizer, logger, bodyLimit: '1kb', validateResponses: true });
const metrics = createMetrics();
metrics.trackTasks(() => store.countByState());

const raw = Router();
raw.post('/raw/json', express.json({ limit: '1kb' }), (req, res) => void res.json(req.body));
raw.get('/raw/input', () => {
  throw new InputError('Validation Failed', { errors: [{ field: '$.body.memorySize', message: 'expected number' }] });
});
raw.get('/raw/upstream', () => {
  throw new UpstreamError('lambda', 'lambda: ServiceException: boom');
});
raw.get('/raw/501', () => {
  throw new NotImplementedError('Helm bakes stay with Rosco');
});
raw.get('/raw/bug', () => {
  throw new Error('password=hunter2 leaked in a bug');
});

let url = '';
let server: ReturnType<express.Express['listen']>;
beforeAll(async () => {
  const app = createApp({ logger, metrics, openapiDocument, routers: [createCoreRouter({ bind, store, authorizer, checks: {} }), raw] });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url + path, { headers });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any, headers: res.headers };
};

describe('createApp', () => {
  it('answers /health like Spinnaker services, with a request id', async () => {
    const r = await get('/health', { 'x-request-id': 'abc-123' });
    expect(r).toMatchObject({ status: 200, body: { status: 'UP' } });
    expect(r.headers.get('x-request-id')).toBe('abc-123');
  });

  it('answers 503 with DOWN when a health check fails', async () => {
    const down = createApp({
      logger,
      metrics: createMetrics(),
      openapiDocument,
      routers: [createCoreRouter({ bind, store, authorizer, checks: { disk: async () => ({ status: 'DOWN', details: { free: 0 } }) } })],
    });
    const srv = down.listen(0, '127.0.0.1');
    await new Promise<void>((r) => srv.once('listening', () => r()));
    const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'DOWN', components: { disk: { status: 'DOWN' } } });
    srv.close();
  });

  it('serves the bundled spec and the API reference page', async () => {
    const spec = await get('/openapi.json');
    expect(spec.body).toMatchObject({ openapi: '3.1.0', info: { title: 'outrigger' } });
    const page = await fetch(`${url}/api-docs`);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${url}/api-docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('maps named errors to the kork error body', async () => {
    const input = await get('/raw/input');
    expect(input.status).toBe(400);
    expect(input.body).toMatchObject({ status: 400, error: 'Bad Request', message: 'Validation Failed', path: '/raw/input', errors: [{ field: '$.body.memorySize' }] });
    expect(typeof input.body.timestamp).toBe('number');
    expect((await get('/raw/upstream')).body).toMatchObject({ status: 502, error: 'Bad Gateway', message: 'lambda: ServiceException: boom' });
    expect((await get('/raw/501')).body).toMatchObject({ status: 501, message: 'Helm bakes stay with Rosco' });
    expect((await get('/nowhere')).body).toMatchObject({ status: 404, message: 'No handler for GET /nowhere' });
  });

  it('serves the API reference with the server it is served from, not the spec\'s localhost:7011', async () => {
    const doc = await get('/openapi.json');
    expect(doc.body.servers).toEqual([{ url: url }]);
    const proxied = await get('/openapi.json', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'outrigger.example.com' });
    expect(proxied.body.servers).toEqual([{ url: 'https://outrigger.example.com' }]);
    const page = await fetch(`${url}/api-docs`);
    expect(page.status).toBe(200);
    expect(await (await fetch(`${url}/api-docs/init.js`)).text()).toContain("url: '/openapi.json'");
  });

  it('hides the details of a 500 but logs them with the request id', async () => {
    const r = await get('/raw/bug', { 'x-request-id': 'bug-1' });
    expect(r.status).toBe(500);
    expect(r.body.message).toBe('Internal error; quote requestId bug-1 to the operator');
    expect(JSON.stringify(r.body)).not.toContain('hunter2');
    expect(logLines.some((l) => l.includes('"requestId":"bug-1"') && l.includes('unhandled error'))).toBe(true);
  });

  it('answers malformed and oversized JSON with a 4xx that does not quote the body', async () => {
    const bad = await fetch(`${url}/raw/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"s3cr3t",' });
    const badBody = await bad.json();
    expect(bad.status).toBe(400);
    expect(badBody).toMatchObject({ message: 'request body is not valid JSON', errors: [{ field: '$.body' }] });
    expect(JSON.stringify(badBody)).not.toContain('s3cr3t');
    const big = await fetch(`${url}/raw/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ x: 'y'.repeat(5000) }) });
    expect(big.status).toBe(413);
  });

  it('validates params and query by JSON path', async () => {
    const r = await get(`/task?limit=abc`);
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ field: '$.query.limit', message: expect.stringContaining('expected number') }]);
    expect((await get(`/task/${'x'.repeat(200)}`)).body.errors[0].field).toBe('$.path.id');
  });

  it('serves a task as clouddriver and as the webhook view, hiding tasks of unreadable accounts', async () => {
    const { task } = await tasks.submit({ operation: 'demoOp', account: 'dev' }, async (ctx) => {
      await ctx.updateStatus('DEMO', 'working');
      return { functionName: 'f', version: '2' };
    });
    await new Promise((r) => setTimeout(r, 20));
    const cd = await get(`/task/${task.id}`);
    expect(cd.body).toMatchObject({ id: task.id, status: { completed: true, failed: false, complete: true }, resultObjects: [{ functionName: 'f', version: '2' }] });
    expect(cd.body.history.map((h: { status: string }) => h.status)).toEqual(['Initializing Orchestration Task', 'Processing op: demoOp', 'working', 'Orchestration completed.']);
    expect((await get(`/tasks/${task.id}`)).body).toMatchObject({ status: 'SUCCEEDED', message: 'Orchestration completed.' });

    const secret = await tasks.submit({ operation: 'demoOp', account: 'prod' }, async () => undefined);
    expect((await get(`/task/${secret.task.id}`)).status).toBe(404);
    expect((await get(`/task/${secret.task.id}`, { 'x-spinnaker-accounts': 'prod' })).status).toBe(200);
    const list = await get('/task');
    expect(list.body.map((t: { id: string }) => t.id)).toContain(task.id);
    expect(list.body.map((t: { id: string }) => t.id)).not.toContain(secret.task.id);
  });

  it('exports Prometheus metrics: request durations by operationId and tasks by state', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/outrigger_http_request_duration_seconds_count\{operationId="getHealth",method="GET",status="200"\} \d+/);
    expect(text).toMatch(/outrigger_tasks\{state="succeeded"\} [1-9]/);
    expect(text).toContain('outrigger_process_resident_memory_bytes');
  });
});
