import { describe, expect, it } from 'vitest';
import type { BakeRecord } from './BakeRecord.js';
import type { BakeStore } from './BakeStore.js';

export const bakeRecord = (over: Partial<BakeRecord>): BakeRecord => ({
  id: 'x',
  bakeKey: 'k1',
  region: 'r',
  provider: 'local',
  state: 'RUNNING',
  phase: 'queued',
  recipe: { template: 't', varFiles: [], variables: { a: '1' }, imageName: 'img', baseImage: 'b', artifactMetadata: {}, masked: [] },
  runDir: '/tmp/x',
  cancelRequested: false,
  outOffset: 0,
  images: [],
  files: [],
  forgotten: false,
  createdMs: 1,
  updatedMs: 1,
  ...over,
});

/** The contract every BakeStore keeps; `make()` gives a fresh, empty store. */
export function runBakeStoreCases(name: string, make: () => Promise<BakeStore> | BakeStore) {
  describe(`${name} (BakeStore cases)`, () => {
    it('finds reusable bakes by key (not failed, not forgotten) and keeps the queue order', async () => {
      const store = await make();
      await store.insert(bakeRecord({ id: 'failed', state: 'CANCELED', result: 'FAILURE', phase: 'done', createdMs: 1 }));
      expect(await store.findReusable('k1')).toBeUndefined();
      await store.insert(bakeRecord({ id: 'q1', createdMs: 2 }));
      await store.insert(bakeRecord({ id: 'q2', bakeKey: 'k2', createdMs: 3 }));
      expect((await store.findReusable('k1'))?.id).toBe('q1');
      expect(await store.queuePosition('q2')).toBe(2);
      expect((await store.listByPhase('queued')).map((b) => b.id)).toEqual(['q1', 'q2']);
      await store.update({ ...(await store.get('q1'))!, phase: 'running', pid: 42 });
      expect(await store.queuePosition('q2')).toBe(1);
      expect(await store.queuePosition('q1')).toBeUndefined();
      expect((await store.listByPhase('running')).map((b) => b.id)).toEqual(['q1']);
      await store.update({ ...(await store.get('q1'))!, forgotten: true });
      expect(await store.findReusable('k1')).toBeUndefined();
      expect(await store.get('q1')).toMatchObject({ pid: 42, phase: 'running', recipe: { variables: { a: '1' } } });
      expect((await store.listIncomplete()).map((b) => b.id)).toEqual(['q1', 'q2']);
      expect((await store.listEnded()).map((b) => b.id)).toEqual(['failed']);
    });

    it('refuses a second live bake with the same key when asked to dedupe, and allows it for a rebake', async () => {
      const store = await make();
      const first = await store.insert(bakeRecord({ id: 'd1', bakeKey: 'same' }), { dedupe: true });
      expect(first).toMatchObject({ created: true, bake: { id: 'd1' } });
      expect(await store.insert(bakeRecord({ id: 'd2', bakeKey: 'same' }), { dedupe: true })).toMatchObject({ created: false, bake: { id: 'd1' } });
      expect(await store.get('d2')).toBeUndefined();
      expect(await store.insert(bakeRecord({ id: 'd3', bakeKey: 'same', createdMs: 5 }), { dedupe: false })).toMatchObject({ created: true });
      // Once the live ones ended, the key is free again.
      for (const id of ['d1', 'd3']) await store.update({ ...(await store.get(id))!, state: 'CANCELED', result: 'FAILURE', phase: 'done' });
      expect(await store.insert(bakeRecord({ id: 'd4', bakeKey: 'same', createdMs: 9 }), { dedupe: true })).toMatchObject({ created: true });
    });

    it('never un-cancels, un-forgets or revives an ended bake through a stale whole-record update', async () => {
      const store = await make();
      await store.insert(bakeRecord({ id: 's1' }));
      const stale = (await store.get('s1'))!;
      await store.update({ ...stale, cancelRequested: true, forgotten: true });
      await store.update({ ...stale, outOffset: 7 });
      expect(await store.get('s1')).toMatchObject({ cancelRequested: true, forgotten: true, outOffset: 7 });
      await store.update({ ...stale, state: 'CANCELED', result: 'FAILURE', phase: 'done' });
      await store.update({ ...stale, phase: 'running', pid: 9 });
      expect(await store.get('s1')).toMatchObject({ state: 'CANCELED', phase: 'done' });
    });

    it('refuses a whole-record update made from an older attempt (fencing)', async () => {
      const store = await make();
      await store.insert(bakeRecord({ id: 'a1' }));
      const first = (await store.get('a1'))!;
      await store.update({ ...first, phase: 'running', pid: 11 });
      const attempt = (first.attempt ?? 1) + 1;
      await store.update({ ...first, phase: 'queued', attempt, outOffset: 0 });
      const now = (await store.get('a1'))!;
      expect(now).toMatchObject({ phase: 'queued', attempt });
      // The first attempt's late writes (its end, its offset) change nothing.
      await store.update({ ...first, state: 'COMPLETED', result: 'SUCCESS', phase: 'done', outOffset: 99 });
      expect(await store.get('a1')).toEqual(now);
      await store.appendLog('a1', [{ timestampMs: 5, text: 'old attempt output' }], 99, first);
      expect(await store.get('a1')).toEqual(now);
      expect(await store.hasLog('a1')).toBe(false);
      await store.appendLog('a1', [{ timestampMs: 6, text: 'new attempt output' }], 3, now);
      expect((await store.readLog('a1')).map((l) => l.text)).toEqual(['new attempt output']);
    });

    it('appends log lines with the output offset atomically, pages them, and deletes a bake with its log and images', async () => {
      const store = await make();
      await store.insert(bakeRecord({ id: 'b' }));
      expect(await store.hasLog('b')).toBe(false);
      await store.appendLog('b', [{ timestampMs: 1, text: 'one' }, { timestampMs: 2, text: 'two' }], 100);
      await store.appendLog('b', [{ timestampMs: 3, text: 'three' }], 150);
      expect((await store.get('b'))!.outOffset).toBe(150);
      expect(await store.hasLog('b')).toBe(true);
      expect(await store.readLog('b', 1, 1)).toEqual([{ seq: 1, timestampMs: 2, text: 'two' }]);
      expect((await store.readLog('b')).map((l) => l.text)).toEqual(['one', 'two', 'three']);
      await store.indexImages('b', [{ region: 'r', imageId: 'ami-1' }]);
      expect(await store.bakeForImage('r', 'ami-1')).toBe('b');
      expect(await store.regionsOf('local')).toEqual(['r']);
      await store.delete('b');
      expect(await store.get('b')).toBeUndefined();
      expect(await store.readLog('b')).toEqual([]);
      expect(await store.bakeForImage('r', 'ami-1')).toBeUndefined();
    });

    it('lists bakes by execution and owns what it inserted', async () => {
      const store = await make();
      await store.insert(bakeRecord({ id: 'e1', executionId: 'ex' }));
      await store.insert(bakeRecord({ id: 'e2', executionId: 'other' }));
      expect((await store.listByExecution('ex')).map((b) => b.id)).toEqual(['e1']);
      expect(store.owns((await store.get('e1'))!)).toBe(true);
      await store.heartbeat(Date.now());
      expect(await store.adoptOrphans(Date.now() - 60_000, Date.now())).toEqual([]);
    });
  });
}
