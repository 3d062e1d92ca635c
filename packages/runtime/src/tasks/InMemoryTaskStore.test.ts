import { InMemoryTaskStore } from './InMemoryTaskStore.js';
import { runTaskStoreCases } from './taskStore.cases.js';

runTaskStoreCases('InMemoryTaskStore', () => new InMemoryTaskStore());
