import type { AddressInfo } from 'node:net';
import { openapiDocument } from '@outrigger/contract';
import {
  ConfigSchema,
  createApp,
  createAuthorizer,
  createCoreRouter,
  createLogger,
  createMetrics,
  createOperationBinder,
  createTaskRunner,
  InMemoryTaskStore,
  type ProviderDeps,
} from '@outrigger/runtime';
import { createEcsProvider } from '../createEcsProvider.js';
import { FakeAws } from './FakeAws.js';

/**
 * The ECS provider mounted the way `server/compose.ts` mounts it (same runtime pieces, memory storage, response
 * validation on), listening on 127.0.0.1. `@outrigger/server` depends on this package, so tests compose by hand.
 */
export async function startEcsApp(opts: { ecs?: Record<string, unknown>; fake?: FakeAws } = {}) {
  const fake = opts.fake ?? new FakeAws();
  const config = ConfigSchema.parse({
    storage: { type: 'memory' },
    logging: { level: 'silent' },
    aws: {
      accounts: [
        { name: 'prod', accountId: '123456789012', assumeRole: 'role/spinnaker', regions: ['us-east-1'] },
        { name: 'locked', accountId: '210987654321', regions: ['us-east-1'], permissions: { READ: ['admins'], WRITE: ['admins'] } },
      ],
    },
    ecs: opts.ecs ?? {},
  });
  const logger = createLogger({ level: 'silent' });
  const metrics = createMetrics();
  const taskStore = new InMemoryTaskStore();
  const tasks = createTaskRunner({ store: taskStore, logger });
  const authorizer = createAuthorizer({ config });
  const bind = createOperationBinder({ authorizer, logger, bodyLimit: config.server.bodyLimit, validateResponses: true });
  let baseUrl = 'http://127.0.0.1:0';
  const deps: ProviderDeps = {
    config,
    configSource: 'test',
    logger,
    metrics,
    authorizer,
    aws: fake.factory(),
    tasks,
    taskStore,
    bind,
    dataDir: '/tmp/outrigger-ecs-test',
    baseUrl: () => baseUrl,
  };
  const provider = createEcsProvider(deps, { sleep: async () => {}, now: fakeClock() });
  const app = createApp({ logger, metrics, openapiDocument, routers: [createCoreRouter({ bind, store: taskStore, authorizer, checks: {} }), provider.router] });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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
    close: async () => {
      await tasks.drain(1000);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A clock that advances by a minute on every read, so pollers hit their deadline without real waiting. */
function fakeClock() {
  let t = Date.UTC(2025, 0, 1);
  return () => (t += 60_000);
}
