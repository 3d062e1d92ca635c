import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../store/openSqlite.js';
import { SqliteTaskStore } from './SqliteTaskStore.js';
import { runTaskStoreCases } from './taskStore.cases.js';

const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runTaskStoreCases('SqliteTaskStore', () => new SqliteTaskStore(openSqlite(path.join(dir, `cases-${n++}.db`))));

describe('SqliteTaskStore on a file', () => {
  it('keeps tasks across a reopen (a restart)', async () => {
    const file = path.join(dir, 'restart.db');
    const db1 = openSqlite(file);
    const s1 = new SqliteTaskStore(db1);
    await s1.create({ id: 'r1', ownerId: 'o', operation: 'op', phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task', requestId: 'k' }, 10);
    await s1.appendHistory('r1', 'OP', 'halfway', 11);
    db1.close();
    const s2 = new SqliteTaskStore(openSqlite(file));
    const t = await s2.get('r1');
    expect(t?.history.map((h) => h.status)).toEqual(['Initializing Orchestration Task', 'halfway']);
    expect((await s2.create({ id: 'r2', ownerId: 'o2', operation: 'op', phase: 'P', status: 'S', requestId: 'k' }, 12)).task.id).toBe('r1');
  });
});
