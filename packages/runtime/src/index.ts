export { createAuthorizer } from './auth/createAuthorizer.js';
export type { Authorizer } from './auth/createAuthorizer.js';
export type { Action, Principal } from './auth/Principal.js';
export { composeApp } from './compose/composeApp.js';
export type { ComposeOptions, Composed } from './compose/composeApp.js';
export { createAwsClientFactory, roleArnFor } from './aws/createAwsClientFactory.js';
export type { AwsClientClass, AwsClientConfig, AwsClientFactory } from './aws/createAwsClientFactory.js';
export { mapAwsError } from './aws/mapAwsError.js';
export { waitUntil, WaitFailedError, WaitTimeoutError } from './aws/waitUntil.js';
export type { WaitOptions, WaitState } from './aws/waitUntil.js';
export { AccountSchema, ConfigSchema, RegionSchema } from './config/configSchema.js';
export type { AccountConfig, EcsAccountEntry, OutriggerConfig } from './config/configSchema.js';
export { resolveAccounts } from './config/resolveAccounts.js';
export { ConfigError, loadConfig, parseConfigSection } from './config/loadConfig.js';
export type { LoadedConfig } from './config/loadConfig.js';
export {
  AuthenticationError,
  ConflictError,
  fieldErrors,
  InputError,
  jsonPath,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  OutriggerError,
  PayloadTooLargeError,
  reasonPhrase,
  ServiceUnavailableError,
  statusFor,
  TooManyRequestsError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from './errors/index.js';
export { createOperationBinder, toExpressPath } from './http/bindOperation.js';
export type { BindDeps, BindOperation, OperationHandler, OperationInput, OperationResult } from './http/bindOperation.js';
export { createApp } from './http/createApp.js';
export { describedAccount, forwardForeignRequests } from './http/forwardForeignRequests.js';
export type { AppDeps } from './http/createApp.js';
export { createCoreRouter } from './http/createCoreRouter.js';
export type { HealthCheck } from './http/createCoreRouter.js';
export { createLogger, REDACT_PATHS } from './http/createLogger.js';
export { createMetrics } from './http/createMetrics.js';
export type { Metrics } from './http/createMetrics.js';
export { errorBody, errorHandler, notFoundHandler } from './http/errorHandler.js';
export type { Provider, ProviderDeps } from './provider/Provider.js';
export { allowedHostsProblems, createArtifactFetcher, createHostPolicy } from './artifacts/createArtifactFetcher.js';
export type { ArtifactFetcher, ArtifactFetchOptions, FetchedArtifact, HostPolicy } from './artifacts/createArtifactFetcher.js';
export { openSqlite, transaction } from './store/openSqlite.js';
export type { SqliteDatabase, SqliteStatement, SqliteValue } from './store/openSqlite.js';
export { openPostgres, redactUrl } from './store/postgres/openPostgres.js';
export type { Migrations, PgDatabase, PgQueryable, PostgresOptions } from './store/postgres/openPostgres.js';
export { PostgresTaskStore } from './tasks/PostgresTaskStore.js';
export { createTaskRunner } from './tasks/createTaskRunner.js';
export type { Submission, TaskContext, TaskRunner, TaskWork } from './tasks/createTaskRunner.js';
export { InMemoryTaskStore } from './tasks/InMemoryTaskStore.js';
export { SqliteTaskStore } from './tasks/SqliteTaskStore.js';
export type { NewTask, TaskFinish, TaskHistoryLine, TaskLease, TaskRecord, TaskState, TaskStore } from './tasks/TaskStore.js';
export { TaskFencedError } from './tasks/TaskStore.js';
export { ORCHESTRATION, orphanFinish, stateOf, toClouddriverTask, toWebhookStatus } from './tasks/taskState.js';
