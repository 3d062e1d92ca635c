import { openSqlite } from '@outrigger/runtime';
import { createTestPostgres } from '@outrigger/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryRolloutStore, PostgresRolloutStore, SqliteRolloutStore } from './RolloutStore.js';
import { runRolloutStoreCases, sampleRollout } from './rolloutStore.cases.js';

runRolloutStoreCases('InMemoryRolloutStore', () => new InMemoryRolloutStore());
runRolloutStoreCases('SqliteRolloutStore', () => new SqliteRolloutStore(openSqlite(':memory:')));

const pg = await createTestPostgres();
afterAll(() => pg?.drop());
describe.skipIf(!pg)('PostgreSQL', () => {
  runRolloutStoreCases('PostgresRolloutStore', async () => {
    const db = pg!.open();
    const s = new PostgresRolloutStore(db);
    await s.get('warm-up');
    await db.query('TRUNCATE lambda_rollouts, lambda_rollout_events');
    return s;
  });

  it('lets one replica only own an alias when two start rollouts at once', async () => {
    const db = pg!.open();
    const [one, two] = [new PostgresRolloutStore(db), new PostgresRolloutStore(pg!.open())];
    await one.get('warm-up');
    await db.query('TRUNCATE lambda_rollouts, lambda_rollout_events');
    const results = await Promise.all([one.create(sampleRollout({ id: 'x1' })), two.create(sampleRollout({ id: 'x2' }))]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.find((r) => !r.created)).toMatchObject({ owner: { id: expect.stringMatching(/^x[12]$/) } });
  });
});
