import type { Router } from 'express';
import type { Logger } from 'pino';
import type { ArtifactFetcher } from '../artifacts/createArtifactFetcher.js';
import type { Authorizer } from '../auth/createAuthorizer.js';
import type { AwsClientFactory } from '../aws/createAwsClientFactory.js';
import type { OutriggerConfig } from '../config/configSchema.js';
import type { BindOperation } from '../http/bindOperation.js';
import type { HealthCheck } from '../http/createCoreRouter.js';
import type { Metrics } from '../http/createMetrics.js';
import type { SqliteDatabase } from '../store/openSqlite.js';
import type { PgDatabase } from '../store/postgres/openPostgres.js';
import type { TaskRunner } from '../tasks/createTaskRunner.js';
import type { TaskStore } from '../tasks/TaskStore.js';

/** Everything `server/compose.ts` hands a provider factory (`createLambdaProvider(deps)` and the like). */
export interface ProviderDeps {
  config: OutriggerConfig;
  /** The config file, for error messages that name it. */
  configSource: string;
  logger: Logger;
  metrics: Metrics;
  authorizer: Authorizer;
  aws: AwsClientFactory;
  tasks: TaskRunner;
  taskStore: TaskStore;
  bind: BindOperation;
  /** The one guarded way to GET an artifact over HTTP (`artifacts.allowedHosts`); every provider fetches through it. */
  fetchArtifact: ArtifactFetcher;
  /** The embedded database (SQLite), when `storage.type` is `sqlite`; providers keep their own tables in it. */
  database?: SqliteDatabase;
  /** The shared PostgreSQL database, when `storage.type` is `postgres`; providers migrate and keep their tables there. */
  postgres?: PgDatabase;
  /** How often this replica renews its leases; a replica silent for 3 periods is dead to the others. */
  heartbeatMs: number;
  /** Absolute data directory (`dataDir`), for files a provider keeps (bake logs, rendered artifacts). */
  dataDir: string;
  /** The public base URL of this server (for `Location` headers and artifact references). */
  baseUrl: () => string;
}

/** What a provider gives back: its router and, optionally, health, background work and a clean stop. */
export interface Provider {
  name: string;
  router: Router;
  health?: HealthCheck;
  /** Starts background work (caches, queues); called once the server listens. */
  start?(): Promise<void>;
  /** Stops background work; called on SIGTERM before the store closes. */
  stop?(): Promise<void>;
}
