import path from 'node:path';
import type { Express, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { openapiDocument } from '@outrigger/contract';
import { createAuthorizer } from '../auth/createAuthorizer.js';
import { createAwsClientFactory, type AwsClientFactory } from '../aws/createAwsClientFactory.js';
import type { OutriggerConfig } from '../config/configSchema.js';
import { createOperationBinder } from '../http/bindOperation.js';
import { createApp } from '../http/createApp.js';
import { createCoreRouter, type HealthCheck } from '../http/createCoreRouter.js';
import { createLogger } from '../http/createLogger.js';
import { createMetrics } from '../http/createMetrics.js';
import type { Provider, ProviderDeps } from '../provider/Provider.js';
import { createArtifactFetcher, type ArtifactFetcher } from '../artifacts/createArtifactFetcher.js';
import { openSqlite, type SqliteDatabase } from '../store/openSqlite.js';
import { openPostgres, type PgDatabase } from '../store/postgres/openPostgres.js';
import { PostgresTaskStore } from '../tasks/PostgresTaskStore.js';
import { createTaskRunner, type TaskRunner } from '../tasks/createTaskRunner.js';
import { InMemoryTaskStore } from '../tasks/InMemoryTaskStore.js';
import { SqliteTaskStore } from '../tasks/SqliteTaskStore.js';
import type { TaskRecord, TaskStore } from '../tasks/TaskStore.js';

export interface ComposeOptions {
  config: OutriggerConfig;
  configSource?: string;
  logger?: Logger;
  /** Replaces the AWS client factory (tests put stateful SDK fakes behind it). */
  aws?: AwsClientFactory;
  /** Parse every JSON answer with its contract schema (tests). */
  validateResponses?: boolean;
  /** The providers, in mount order (`outrigger serve` passes all of them; a test passes one). */
  providers: ((deps: ProviderDeps) => Provider | Promise<Provider>)[];
  /** Runs after the providers' routers, before the 404 (the clouddriver passthrough). */
  fallback?: (deps: ProviderDeps) => RequestHandler | undefined;
  ownerId?: string;
  /** Replaces the guarded artifact fetcher (tests). */
  fetchArtifact?: ArtifactFetcher;
}

export interface Composed {
  app: Express;
  config: OutriggerConfig;
  logger: Logger;
  taskStore: TaskStore;
  tasks: TaskRunner;
  providers: Provider[];
  deps: ProviderDeps;
  /** Tells the server where it listens (for `Location` headers), recovers orphaned tasks and starts providers. */
  start(listening: { baseUrl: string }): Promise<void>;
  /** Drains running tasks, stops providers and closes the store. */
  close(): Promise<void>;
}


/**
 * config → logger → store → task runner → AWS clients → auth → providers → app. All wiring of one outrigger process
 * happens here, by hand, so a test can compose the same app with fakes.
 */
export async function composeApp(options: ComposeOptions): Promise<Composed> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logging.level });
  const metrics = createMetrics();
  const dataDir = path.resolve(config.dataDir);
  let database: SqliteDatabase | undefined;
  let postgres: PgDatabase | undefined;
  let taskStore: TaskStore;
  const heartbeatMs = config.storage.heartbeatSeconds * 1000;
  if (config.storage.type === 'sqlite') {
    database = openSqlite(config.storage.path ?? path.join(dataDir, 'outrigger.db'));
    taskStore = new SqliteTaskStore(database);
  } else if (config.storage.type === 'postgres') {
    postgres = openPostgres({
      url: config.storage.url!,
      ...(config.storage.password !== undefined ? { password: config.storage.password } : {}),
      schema: config.storage.schema,
      max: config.storage.poolSize,
    });
    try {
      taskStore = await PostgresTaskStore.open(postgres);
    } catch (err) {
      await postgres.close().catch(() => {});
      throw err;
    }
  } else {
    taskStore = new InMemoryTaskStore();
  }
  metrics.trackTasks(() => taskStore.countByState());
  const tasks = createTaskRunner({ store: taskStore, logger, ...(options.ownerId ? { ownerId: options.ownerId } : {}) });
  const authorizer = createAuthorizer({ config });
  const aws = options.aws ?? createAwsClientFactory({ config });
  const bind = createOperationBinder({ authorizer, logger, bodyLimit: config.server.bodyLimit, validateResponses: options.validateResponses ?? false });
  let baseUrl = config.server.baseUrl ?? `http://localhost:${config.server.port}`;

  const deps: ProviderDeps = {
    config,
    configSource: options.configSource ?? '(defaults)',
    logger,
    metrics,
    authorizer,
    aws,
    tasks,
    taskStore,
    bind,
    fetchArtifact: options.fetchArtifact ?? createArtifactFetcher({ allowedHosts: config.artifacts.allowedHosts, logger }),
    ...(database ? { database } : {}),
    ...(postgres ? { postgres } : {}),
    heartbeatMs,
    dataDir,
    baseUrl: () => baseUrl,
  };
  const providers: Provider[] = [];
  for (const factory of options.providers) providers.push(await factory(deps));

  const checks: Record<string, HealthCheck> = {
    taskStore: async () => {
      await taskStore.countByState();
      return { status: 'UP', details: { type: config.storage.type } };
    },
  };
  // Fiat not answering makes outrigger unusable (every decision fails closed): DOWN. One AWS account failing is not:
  // its last error is shown, the status stays UP.
  if (authorizer.health) checks.fiat = authorizer.health;
  if (aws.accountHealth) {
    const accountHealth = aws.accountHealth.bind(aws);
    checks.aws = async () => ({ status: 'UP', details: { accounts: accountHealth() } });
  }
  for (const p of providers) if (p.health) checks[p.name] = p.health;

  const fallback = options.fallback?.(deps);
  const app = createApp({
    logger,
    metrics,
    openapiDocument,
    routers: [createCoreRouter({ bind, store: taskStore, tasks, authorizer, checks, ...(fallback ? { onUnknownTask: fallback } : {}) }), ...providers.map((p) => p.router)],
    ...(fallback ? { fallback } : {}),
  });

  let heartbeat: NodeJS.Timeout | undefined;
  const orphanMessage = (t: TaskRecord) =>
    `outrigger stopped while this task was running (owner ${t.ownerId}, last seen ${new Date(t.heartbeatMs).toISOString()}); ` +
    (tasks.canResume(t)
      ? `the ${t.operation} operation continues from its last recorded step when resumed (POST /task/${t.id}:resume, which Orca calls by itself).`
      : `the ${t.operation} operation may be partly applied. Check the resource, then re-run the stage.`);
  /** Fails the tasks of owners silent for 3 heartbeats (on PostgreSQL: replicas that died). */
  const sweepOrphans = async (staleBeforeMs: number) => {
    // Several replicas: a live one adopts a dead one's resumable tasks first, under the same ids, continuing from
    // their step journals (exactly one survivor takes each); only what cannot continue is failed below.
    if (postgres) await tasks.adoptOrphans(staleBeforeMs);
    const orphans = await taskStore.failOrphans({
      exceptOwnerId: tasks.ownerId,
      staleBeforeMs,
      now: Date.now(),
      message: orphanMessage,
      retryable: (t) => tasks.canResume(t),
    });
    if (orphans.length) logger.warn({ tasks: orphans.map((t) => t.id) }, `marked ${orphans.length} orphaned task(s) failed`);
  };
  return {
    app,
    config,
    logger,
    taskStore,
    tasks,
    providers,
    deps,
    async start(listening) {
      baseUrl = config.server.baseUrl ?? listening.baseUrl;
      const now = Date.now();
      // SQLite is one process's file: every unfinished task of another owner is an orphan. Elsewhere, wait for a
      // missed heartbeat.
      await sweepOrphans(config.storage.type === 'sqlite' ? now + 1 : now - 3 * heartbeatMs);
      heartbeat = setInterval(() => {
        void taskStore.heartbeat(tasks.ownerId, Date.now()).catch((err) => logger.warn({ err }, 'task heartbeat failed'));
        // Other replicas share the database: their dead owners' tasks are found while this one runs.
        if (postgres) void sweepOrphans(Date.now() - 3 * heartbeatMs).catch((err) => logger.warn({ err }, 'orphan sweep failed'));
      }, heartbeatMs);
      heartbeat.unref();
      for (const p of providers) await p.start?.();
    },
    async close() {
      clearInterval(heartbeat);
      await tasks.drain(config.server.shutdownTimeoutSeconds * 1000);
      for (const p of [...providers].reverse()) await p.stop?.().catch((err) => logger.warn({ err, provider: p.name }, 'provider stop failed'));
      await taskStore.close();
      database?.close();
      await postgres?.close();
    },
  };
}
