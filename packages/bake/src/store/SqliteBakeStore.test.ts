import { openSqlite } from '@outrigger/runtime';
import { runBakeStoreCases } from './bakeStore.cases.js';
import { SqliteBakeStore } from './SqliteBakeStore.js';

runBakeStoreCases('SqliteBakeStore', () => new SqliteBakeStore(openSqlite(':memory:')));
