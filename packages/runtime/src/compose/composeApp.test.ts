import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestPostgres } from '../store/postgres/testPostgres.js';
import { ConfigSchema } from '../config/configSchema.js';
import { createLogger } from '../http/createLogger.js';
import type { TaskContext } from '../tasks/createTaskRunner.js';
import { composeApp } from './composeApp.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-compose-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const config = ConfigSchema.parse({ dataDir, logging: { level: 'silent' } });
const logger = createLogger({ level: 'silent' });

async function listen(c: Awaited<ReturnType<typeof composeApp>>) {
  const server = c.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await c.start({ baseUrl: url });
  return { server, url };
}

describe('compose with the embedded SQLite store', () => {
  it('keeps finished tasks across a restart and fails the ones a dead process left running (retryable only when they can resume)', async () => {
    // First process: one task finishes, one is still running when the process "dies" (never closes, never updates).
    const first = await composeApp({ config, logger, providers: [], ownerId: 'dead-process@host' });
    const a = await listen(first);
    const done = await first.tasks.submit({ operation: 'createServerGroup' }, async (ctx) => {
      await ctx.updateStatus('CREATE', 'Registered task definition');
      return { serverGroupNames: ['us-east-1:app-v001'] };
    });
    const hung = await first.tasks.submit({ operation: 'createLambdaFunction' }, () => new Promise(() => {}));
    const hungResumable = await first.tasks.submit({ operation: 'resumableOp', input: { n: 1 } }, async (ctx) => {
      await ctx.step('first', async () => ({ made: 'thing-1' }));
      return new Promise(() => {});
    });
    await new Promise((r) => setTimeout(r, 30));
    a.server.closeAllConnections();
    a.server.close();

    // Second process on the same data directory.
    const second = await composeApp({
      config,
      logger,
      providers: [
        (deps) => {
          deps.tasks.resumable('resumableOp', () => async (ctx) => {
            const first = await ctx.step('first', async () => ({ made: 'thing-2' }));
            return { made: first.made, resumed: ctx.resumed };
          });
          return { name: 'test', router: express.Router() };
        },
      ],
      ownerId: 'new-process@host',
    });
    const b = await listen(second);
    const finished = (await (await fetch(`${b.url}/task/${done.task.id}`)).json()) as any;
    expect(finished).toMatchObject({ status: { completed: true, failed: false }, resultObjects: [{ serverGroupNames: ['us-east-1:app-v001'] }] });
    expect(finished.history.map((h: { status: string }) => h.status)).toContain('Registered task definition');

    const orphan = (await (await fetch(`${b.url}/task/${hung.task.id}`)).json()) as any;
    // createLambdaFunction has no resumer here: it cannot continue safely, so Orca must not be told to resume it.
    expect(orphan).toMatchObject({ status: { completed: true, failed: true, retryable: false }, outputs: [] });
    expect(orphan.resultObjects[0].message).toMatch(/^outrigger stopped while this task was running \(owner dead-process@host, last seen .+\); the createLambdaFunction operation may be partly applied\. Check the resource, then re-run the stage\.$/);
    const webhook = (await (await fetch(`${b.url}/tasks/${hung.task.id}`)).json()) as any;
    expect(webhook).toMatchObject({ status: 'TERMINAL', message: expect.stringContaining('outrigger stopped while this task was running') });
    const notRetryable = await fetch(`${b.url}/task/${hung.task.id}:resume`, { method: 'POST' });
    expect(notRetryable.status).toBe(400);
    expect(((await notRetryable.json()) as any).message).toBe('Task is not retryable');
    expect((await fetch(`${b.url}/task/nope:resume`, { method: 'POST' })).status).toBe(404);

    // The resumable one is retryable; Orca's resume continues it under the same id from its journal.
    const failed = (await (await fetch(`${b.url}/task/${hungResumable.task.id}`)).json()) as any;
    expect(failed).toMatchObject({ status: { failed: true, retryable: true } });
    const resume = await fetch(`${b.url}/task/${hungResumable.task.id}:resume`, { method: 'POST' });
    expect(resume.status).toBe(200);
    expect(await resume.json()).toEqual({ id: hungResumable.task.id, resourceUri: `/task/${hungResumable.task.id}` });
    let resumed: any;
    for (let i = 0; i < 100; i++) {
      resumed = await (await fetch(`${b.url}/task/${hungResumable.task.id}`)).json();
      if (resumed.status.completed) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(resumed).toMatchObject({ status: { completed: true, failed: false }, resultObjects: [{ made: 'thing-1', resumed: true }] });
    expect(resumed.history.map((h: { status: string }) => h.status)).toContain('Resuming task after failure (1 step(s) already took effect)');

    b.server.closeAllConnections();
    b.server.close();
    await second.close();
  });
});

const pg = await createTestPostgres();
afterAll(() => pg?.drop());

describe.skipIf(!pg)('compose with PostgreSQL (several replicas on one database)', () => {
  it('serves any replica’s task from any replica, and a live replica fails a dead one’s running task within a bounded time', async () => {
    const pgConfig = ConfigSchema.parse({
      dataDir,
      logging: { level: 'silent' },
      storage: { type: 'postgres', url: pg!.url, schema: pg!.schema, heartbeatSeconds: 0.2, poolSize: 3 },
    });
    const [one, two] = await Promise.all([
      composeApp({ config: pgConfig, logger, providers: [], ownerId: 'replica-1' }),
      composeApp({ config: pgConfig, logger, providers: [], ownerId: 'replica-2' }),
    ]);
    const [a, b] = [await listen(one), await listen(two)];
    const done = await one.tasks.submit({ operation: 'createServerGroup', requestId: 'cr-1' }, async () => ({ ok: 1 }));
    const hung = await one.tasks.submit({ operation: 'createLambdaFunction' }, () => new Promise(() => {}));
    // The same clientRequestId on the other replica is the same task.
    const again = await two.tasks.submit({ operation: 'createServerGroup', requestId: 'cr-1' }, async () => ({ ok: 2 }));
    expect(again).toMatchObject({ created: false, task: { id: done.task.id } });
    await vi.waitFor(async () => expect((await (await fetch(`${b.url}/task/${done.task.id}`)).json())).toMatchObject({ status: { completed: true, failed: false }, resultObjects: [{ ok: 1 }] }));
    expect((await (await fetch(`${b.url}/task/${hung.task.id}`)).json())).toMatchObject({ status: { completed: false } });

    // Replica 1 dies: its connections go, its heartbeats stop. Replica 2 notices after 3 silent heartbeats.
    a.server.closeAllConnections();
    a.server.close();
    await one.deps.postgres!.close();
    await vi.waitFor(
      async () => {
        const t = (await (await fetch(`${b.url}/task/${hung.task.id}`)).json()) as any;
        // No provider registered a resumer for createLambdaFunction here, so it cannot continue: not retryable.
        expect(t).toMatchObject({ status: { completed: true, failed: true, retryable: false } });
        expect(t.resultObjects[0].message).toContain('owner replica-1');
      },
      { timeout: 20_000, interval: 100 },
    );
    b.server.closeAllConnections();
    b.server.close();
    await two.close();
  });

  it('adopts a dead replica’s resumable task under the same id: the survivor continues it from the journal', async () => {
    const pgConfig = ConfigSchema.parse({
      dataDir,
      logging: { level: 'silent' },
      storage: { type: 'postgres', url: pg!.url, schema: pg!.schema, heartbeatSeconds: 0.2, poolSize: 3 },
    });
    const [one, two] = await Promise.all([
      composeApp({ config: pgConfig, logger, providers: [], ownerId: 'adopt-1' }),
      composeApp({ config: pgConfig, logger, providers: [], ownerId: 'adopt-2' }),
    ]);
    const runs: string[] = [];
    // The operation: step "create" (recorded), then step "wait" that hangs on replica 1.
    const work = (replica: string) => (input: Record<string, unknown>) => async (ctx: TaskContext) => {
      const created = await ctx.step('create', async () => {
        runs.push(`${replica}:create`);
        return { arn: `arn:${String(input.name)}` };
      });
      await ctx.step('wait', async () => {
        runs.push(`${replica}:wait`);
        if (replica === 'one') await new Promise(() => {});
        return {};
      });
      return { ...created, finishedBy: replica };
    };
    one.tasks.resumable('resumableOp', (input) => work('one')(input));
    two.tasks.resumable('resumableOp', (input) => work('two')(input));
    const [a, b] = [await listen(one), await listen(two)];
    const { task } = await one.tasks.submit({ operation: 'resumableOp', input: { name: 'fn' } }, work('one')({ name: 'fn' }));
    await vi.waitFor(() => expect(runs).toContain('one:wait'));

    a.server.closeAllConnections();
    a.server.close();
    await one.deps.postgres!.close();
    await vi.waitFor(
      async () => {
        const t = (await (await fetch(`${b.url}/task/${task.id}`)).json()) as any;
        expect(t).toMatchObject({ id: task.id, status: { completed: true, failed: false }, resultObjects: [{ arn: 'arn:fn', finishedBy: 'two' }] });
      },
      { timeout: 20_000, interval: 100 },
    );
    // The recorded step did not run again; the unfinished one did, on the survivor.
    expect(runs).toEqual(['one:create', 'one:wait', 'two:wait']);
    b.server.closeAllConnections();
    b.server.close();
    await two.close();
  });
});
