import { afterAll, describe, expect, it } from 'vitest';
import { createTestPostgres } from '../store/postgres/testPostgres.js';
import { PostgresTaskStore } from './PostgresTaskStore.js';
import { runTaskStoreCases } from './taskStore.cases.js';

const pg = await createTestPostgres();
afterAll(() => pg?.drop());

describe.skipIf(!pg)('PostgresTaskStore', () => {
  // Each case gets an empty table: truncate rather than a new schema per case (migrations already ran).
  runTaskStoreCases('PostgresTaskStore', async () => {
    const db = pg!.open();
    const store = await PostgresTaskStore.open(db);
    await db.query('TRUNCATE tasks');
    return store;
  });

  it('dedupes a clientRequestId across replicas: concurrent creates on separate pools make exactly one task', async () => {
    const replicas = await Promise.all([0, 1, 2, 3].map(() => PostgresTaskStore.open(pg!.open())));
    const results = await Promise.all(
      replicas.flatMap((s, r) =>
        [0, 1, 2].map((i) => s.create({ id: `race-${r}-${i}`, ownerId: `replica-${r}`, requestId: 'same-request', operation: 'op', phase: 'P', status: 'S' }, 10)),
      ),
    );
    const created = results.filter((x) => x.created);
    expect(created).toHaveLength(1);
    expect(new Set(results.map((x) => x.task.id))).toEqual(new Set([created[0]!.task.id]));
  });

  it('lets two replicas sweep orphans at once without failing a task twice', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => PostgresTaskStore.open(pg!.open())));
    for (let i = 0; i < 20; i++) await a!.create({ id: `orphan-${i}`, ownerId: 'dead-replica', operation: 'op', phase: 'P', status: 'S' }, 1);
    const message = () => 'replica died';
    const [fa, fb] = await Promise.all([
      a!.failOrphans({ exceptOwnerId: 'a', staleBeforeMs: 100, now: 200, message }),
      b!.failOrphans({ exceptOwnerId: 'b', staleBeforeMs: 100, now: 200, message }),
    ]);
    const swept = [...fa, ...fb].map((t) => t.id).filter((id) => id.startsWith('orphan-'));
    expect(swept).toHaveLength(20);
    expect(new Set(swept).size).toBe(20);
    const t = await a!.get('orphan-7');
    expect(t?.history.filter((h) => h.status.includes(' failed: '))).toHaveLength(1);
  });
});

describe.skipIf(!pg)('PostgresTaskStore: step journal and reopen (for POST /task/{id}:resume)', () => {
  it('keeps the input and steps, and reopens a failed retryable task for exactly one of several replicas', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => PostgresTaskStore.open(pg!.open())));
    const base = { operation: 'createLambdaFunction', phase: 'ORCHESTRATION', status: 'S' };
    await a!.create({ ...base, id: 'j1', ownerId: 'dead', input: { functionName: 'fn' } } as never, 1);
    await a!.recordStep('j1', 'createFunction', { functionArn: 'arn:1' }, 2);
    await a!.failOrphans({ exceptOwnerId: 'a', staleBeforeMs: 10, now: 20, message: () => 'replica died' });
    const line = { phase: 'ORCHESTRATION', status: 'Resuming task' };
    const [ra, rb] = await Promise.all([a!.reopen('j1', 'a', line, 30), b!.reopen('j1', 'b', line, 30)]);
    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    const t = (await a!.get('j1')) as unknown as Record<string, unknown>;
    expect(t).toMatchObject({ completed: false, failed: false, input: { functionName: 'fn' }, steps: [{ name: 'createFunction', effect: { functionArn: 'arn:1' } }] });
    expect(t.resultObjects).toEqual([]);
    const orphan = await a!.create({ ...base, id: 'j2', ownerId: 'dead' }, 1);
    await a!.failOrphans({ exceptOwnerId: 'a', staleBeforeMs: 10, now: 20, message: () => 'gone', retryable: (x) => x.id !== orphan.task.id });
    expect(await a!.get('j2')).toMatchObject({ failed: true, retryable: false, resultObjects: [{ type: 'EXCEPTION', retryable: false }] });
  });
});

describe.skipIf(!pg)('PostgresTaskStore: taking over a silent replica’s tasks', () => {
  it('gives each accepted task to exactly one taker, still running, and leaves the others for the orphan sweep', async () => {
    const takers = await Promise.all([0, 1, 2].map(() => PostgresTaskStore.open(pg!.open())));
    const base = { ownerId: 'gone', phase: 'ORCHESTRATION', status: 'S' };
    for (let i = 0; i < 6; i++) await takers[0]!.create({ ...base, id: `take-${i}`, operation: i % 2 ? 'resumable' : 'other' }, 1);
    const taken = (
      await Promise.all(
        takers.map((s, i) =>
          s.takeOverOrphans({ ownerId: `taker-${i}`, staleBeforeMs: 10, now: 50, accept: (t) => t.operation === 'resumable', line: () => ({ phase: 'ORCHESTRATION', status: 'Resuming' }) }),
        ),
      )
    ).flat();
    expect(taken.map((t) => t.id).sort()).toEqual(['take-1', 'take-3', 'take-5']);
    const t1 = await takers[0]!.get('take-1');
    expect(t1).toMatchObject({ completed: false, failed: false, status: 'Resuming', heartbeatMs: 50 });
    expect(t1?.ownerId).toMatch(/^taker-/);
    expect(await takers[0]!.get('take-0')).toMatchObject({ ownerId: 'gone', completed: false });
  });
});
