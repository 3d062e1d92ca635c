// Test helpers for outrigger packages (imported as `@outrigger/runtime/testing`, never from production code).
export { runTaskStoreCases } from './tasks/taskStore.cases.js';
