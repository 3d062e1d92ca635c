// Test helpers for outrigger packages (imported as `@outrigger/runtime/testing`, never from production code).
export { runTaskStoreCases } from './tasks/taskStore.cases.js';
export { createTestPostgres, pgUnavailable, TEST_PG_REQUIRED, TEST_PG_URL } from './store/postgres/testPostgres.js';
export type { TestPostgres } from './store/postgres/testPostgres.js';
export { bundleChild, finishedTask, json, kill9, postJson, startChild } from './testing/childProcess.js';
export type { Child } from './testing/childProcess.js';
