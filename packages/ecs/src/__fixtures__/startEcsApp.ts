import type { AddressInfo } from 'node:net';
import { composeApp, ConfigSchema, createLogger } from '@outrigger/runtime';
import { createEcsProvider } from '../createEcsProvider.js';
import { FakeAws } from './FakeAws.js';

/** The ECS provider alone in `composeApp` (memory storage, response validation on), listening on 127.0.0.1. */
export async function startEcsApp(opts: { ecs?: Record<string, unknown>; fake?: FakeAws; artifacts?: { allowedHosts: string[] }; storage?: Record<string, unknown>; ownerId?: string } = {}) {
  const fake = opts.fake ?? new FakeAws();
  const config = ConfigSchema.parse({
    storage: opts.storage ?? { type: 'memory' },
    logging: { level: 'silent' },
    aws: {
      accounts: [
        { name: 'prod', accountId: '123456789012', assumeRole: 'role/spinnaker', regions: ['us-east-1'] },
        { name: 'locked', accountId: '210987654321', regions: ['us-east-1'], permissions: { READ: ['admins'], WRITE: ['admins'] } },
      ],
    },
    // ECS accounts as clouddriver lists them (`ecs.accounts`), here named like their AWS accounts.
    ecs: { accounts: [{ name: 'prod', awsAccount: 'prod' }, { name: 'locked', awsAccount: 'locked' }], ...(opts.ecs ?? {}) },
    ...(opts.artifacts ? { artifacts: opts.artifacts } : {}),
  });
  const composed = await composeApp({
    config,
    configSource: 'test',
    logger: createLogger({ level: 'silent' }),
    aws: fake.factory(),
    validateResponses: true,
    providers: [(deps) => createEcsProvider(deps, { sleep: async () => {}, now: fakeClock() })],
    ...(opts.ownerId ? { ownerId: opts.ownerId } : {}),
  });
  const server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl });

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const get = async (path: string) => {
    const res = await fetch(baseUrl + path);
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  /** Waits until the task is finished (tasks run in the background; fakes and sleeps are instant). */
  const task = async (id: string) => {
    for (let i = 0; i < 500; i++) {
      const t = await get(`/task/${id}`);
      if (t.body.status?.completed) return t.body;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`task ${id} did not finish`);
  };
  return {
    fake,
    baseUrl: () => baseUrl,
    post,
    get,
    task,
    /** Stops listening without draining or marking anything (what kill -9 leaves: tasks RUNNING in the store). */
    abandon: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    close: async () => {
      await composed.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A clock that advances by a minute on every read, so pollers hit their deadline without real waiting. */
function fakeClock() {
  let t = Date.UTC(2025, 0, 1);
  return () => (t += 60_000);
}
