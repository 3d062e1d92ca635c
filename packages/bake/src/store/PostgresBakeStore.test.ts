import { createTestPostgres } from '@outrigger/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { bakeRecord, runBakeStoreCases } from './bakeStore.cases.js';
import { PostgresBakeStore } from './PostgresBakeStore.js';

const pg = await createTestPostgres();
afterAll(() => pg?.drop());

describe.skipIf(!pg)('PostgreSQL', () => {
  let n = 0;
  runBakeStoreCases('PostgresBakeStore', async () => {
    const db = pg!.open();
    const store = new PostgresBakeStore(db, `replica-${n++}`);
    await store.get('warm-up');
    await db.query('TRUNCATE bake_bakes, bake_log_lines, bake_images');
    return store;
  });

  it('starts exactly one bake when identical requests reach several replicas at once', async () => {
    const replicas = [0, 1, 2, 3].map((i) => new PostgresBakeStore(pg!.open(), `race-${i}`));
    const results = await Promise.all(
      replicas.flatMap((s, r) => [0, 1, 2].map((i) => s.insert(bakeRecord({ id: `race-${r}-${i}`, bakeKey: 'race-key', createdMs: 100 }), { dedupe: true }))),
    );
    const created = results.filter((x) => x.created);
    expect(created).toHaveLength(1);
    expect(new Set(results.map((x) => x.bake.id))).toEqual(new Set([created[0]!.bake.id]));
  });

  it('keeps each replica’s work list its own, serves every bake to every replica, and queues per owner', async () => {
    const [a, b] = [new PostgresBakeStore(pg!.open(), 'own-a'), new PostgresBakeStore(pg!.open(), 'own-b')];
    await a.insert(bakeRecord({ id: 'own-1', bakeKey: 'own-k1', createdMs: 1 }));
    await b.insert(bakeRecord({ id: 'own-2', bakeKey: 'own-k2', createdMs: 2 }));
    await a.insert(bakeRecord({ id: 'own-3', bakeKey: 'own-k3', createdMs: 3 }));
    expect((await a.listByPhase('queued')).map((x) => x.id)).toEqual(['own-1', 'own-3']);
    expect((await b.listByPhase('queued')).map((x) => x.id)).toEqual(['own-2']);
    expect(await b.get('own-3')).toMatchObject({ id: 'own-3', ownerId: 'own-a' });
    expect(await b.queuePosition('own-3')).toBe(2);
    expect(b.owns((await b.get('own-3'))!)).toBe(false);
    await a.appendLog('own-1', [{ timestampMs: 1, text: 'from a' }], 10);
    expect((await b.readLog('own-1')).map((l) => l.text)).toEqual(['from a']);
  });

  it('gives a silent replica’s live bakes to exactly one survivor, leaving live replicas and ended bakes alone', async () => {
    const dead = new PostgresBakeStore(pg!.open(), 'adopt-dead');
    const alive = new PostgresBakeStore(pg!.open(), 'adopt-alive');
    await dead.heartbeat(1000);
    await alive.heartbeat(5000);
    await dead.insert(bakeRecord({ id: 'ad-run', bakeKey: 'ad-1', phase: 'running', pid: 4242 }));
    await dead.insert(bakeRecord({ id: 'ad-queued', bakeKey: 'ad-2' }));
    await dead.insert(bakeRecord({ id: 'ad-done', bakeKey: 'ad-3', state: 'COMPLETED', result: 'SUCCESS', phase: 'done' }));
    await alive.insert(bakeRecord({ id: 'ad-alive', bakeKey: 'ad-4', phase: 'running', pid: 1 }));
    await dead.heartbeat(1000);
    const survivors = [0, 1, 2].map((i) => new PostgresBakeStore(pg!.open(), `adopt-survivor-${i}`));
    const adopted = (await Promise.all(survivors.map((s) => s.adoptOrphans(4000, 6000)))).flat();
    expect(adopted.map((x) => x.id).sort()).toEqual(['ad-queued', 'ad-run']);
    expect(adopted.every((x) => x.adoptedFrom === 'adopt-dead')).toBe(true);
    const run = adopted.find((x) => x.id === 'ad-run')!;
    // Returned as it was (the caller decides: re-attach or run again); the store only moved the ownership.
    expect(run).toMatchObject({ phase: 'running', pid: 4242 });
    expect((await alive.get('ad-run'))?.ownerId).toBe(run.ownerId);
    expect((await alive.get('ad-alive'))?.ownerId).toBe('adopt-alive');
  });

  it('refuses the stalled owner’s writes once another replica adopted its bake (fencing)', async () => {
    const stalled = new PostgresBakeStore(pg!.open(), 'fence-stalled');
    const survivor = new PostgresBakeStore(pg!.open(), 'fence-survivor');
    const other = new PostgresBakeStore(pg!.open(), 'fence-other');
    await stalled.heartbeat(1000);
    await survivor.heartbeat(9000);
    await stalled.insert(bakeRecord({ id: 'fe-run', bakeKey: 'fe-1', phase: 'running', pid: 4343 }));
    const held = (await stalled.get('fe-run'))!; // what the stalled replica has in hand
    const [adopted] = await survivor.adoptOrphans(4000, 6000);
    expect(adopted).toMatchObject({ id: 'fe-run', ownerId: 'fence-survivor' });
    expect(stalled.owns((await stalled.get('fe-run'))!)).toBe(false);
    // The survivor runs Packer again (attempt 2); then the stalled replica wakes up and reports its old run's end.
    const { adoptedFrom: _from, ...mine } = adopted!;
    await survivor.update({ ...mine, phase: 'running', pid: 777, attempt: 2 });
    const before = await survivor.get('fe-run');
    await stalled.update({ ...held, state: 'COMPLETED', result: 'SUCCESS', phase: 'done', outOffset: 5 });
    await stalled.update({ ...held, pid: 1 });
    await stalled.appendLog('fe-run', [{ timestampMs: 1, text: 'old run output' }], 5000, held);
    expect(await survivor.get('fe-run')).toEqual(before);
    expect((await survivor.readLog('fe-run')).map((l) => l.text)).not.toContain('old run output');
    expect(before).toMatchObject({ state: 'RUNNING', pid: 777, attempt: 2, ownerId: 'fence-survivor' });
    // A cancel recorded on any replica from the current record still goes through.
    await other.update({ ...(await other.get('fe-run'))!, cancelRequested: true });
    expect((await survivor.get('fe-run'))?.cancelRequested).toBe(true);
  });
});
