import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../config/configSchema.js';
import { createLogger } from '../http/createLogger.js';
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
  it('keeps finished tasks across a restart and fails the ones a dead process left running, as retryable', async () => {
    // First process: one task finishes, one is still running when the process "dies" (never closes, never updates).
    const first = await composeApp({ config, logger, providers: [], ownerId: 'dead-process@host' });
    const a = await listen(first);
    const done = await first.tasks.submit({ operation: 'createServerGroup' }, async (ctx) => {
      await ctx.updateStatus('CREATE', 'Registered task definition');
      return { serverGroupNames: ['us-east-1:app-v001'] };
    });
    const hung = await first.tasks.submit({ operation: 'createLambdaFunction' }, () => new Promise(() => {}));
    await new Promise((r) => setTimeout(r, 30));
    a.server.closeAllConnections();
    a.server.close();

    // Second process on the same data directory.
    const second = await composeApp({ config, logger, providers: [], ownerId: 'new-process@host' });
    const b = await listen(second);
    const finished = (await (await fetch(`${b.url}/task/${done.task.id}`)).json()) as any;
    expect(finished).toMatchObject({ status: { completed: true, failed: false }, resultObjects: [{ serverGroupNames: ['us-east-1:app-v001'] }] });
    expect(finished.history.map((h: { status: string }) => h.status)).toContain('Registered task definition');

    const orphan = (await (await fetch(`${b.url}/task/${hung.task.id}`)).json()) as any;
    expect(orphan).toMatchObject({ status: { completed: true, failed: true, retryable: true } });
    expect(orphan.resultObjects[0].message).toMatch(/^outrigger stopped while this task was running \(owner dead-process@host, last seen .+\); the createLambdaFunction operation may be partly applied\. Check the resource, then re-run the stage\.$/);
    const webhook = (await (await fetch(`${b.url}/tasks/${hung.task.id}`)).json()) as any;
    expect(webhook).toMatchObject({ status: 'TERMINAL', message: expect.stringContaining('outrigger stopped while this task was running') });

    b.server.closeAllConnections();
    b.server.close();
    await second.close();
  });
});
