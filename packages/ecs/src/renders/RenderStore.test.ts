import { openSqlite } from '@outrigger/runtime';
import { createTestPostgres } from '@outrigger/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryRenderStore, PostgresRenderStore, SqliteRenderStore } from './RenderStore.js';
import { runRenderStoreCases } from './renderStore.cases.js';

runRenderStoreCases('InMemoryRenderStore', (retention) => new InMemoryRenderStore(retention));
runRenderStoreCases('SqliteRenderStore', (retention) => new SqliteRenderStore(openSqlite(':memory:'), retention));

describe('InMemoryRenderStore', () => {
  it('also keeps at most `max` renders, oldest out first', async () => {
    const s = new InMemoryRenderStore(1e12, 2);
    for (const id of ['a', 'b', 'c']) await s.put({ id, taskDefinition: {}, createdAt: 1 });
    expect(await s.get('a')).toBeUndefined();
    expect(await s.get('c')).toBeDefined();
  });
});

const pg = await createTestPostgres();
afterAll(() => pg?.drop());
describe.skipIf(!pg)('PostgreSQL', () => {
  runRenderStoreCases('PostgresRenderStore', async (retention) => {
    const db = pg!.open();
    const s = new PostgresRenderStore(db, retention);
    await s.get('warm-up');
    await db.query('TRUNCATE ecs_renders');
    return s;
  });

  it('serves a render put by one replica from another', async () => {
    const [one, two] = [new PostgresRenderStore(pg!.open()), new PostgresRenderStore(pg!.open())];
    await one.put({ id: 'shared', taskDefinition: { family: 'web' }, createdAt: Date.now() });
    expect(await two.get('shared')).toMatchObject({ taskDefinition: { family: 'web' } });
  });
});
