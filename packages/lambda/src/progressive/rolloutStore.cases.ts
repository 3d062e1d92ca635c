import { describe, expect, it } from 'vitest';
import type { RolloutRecord, RolloutStore } from './RolloutStore.js';

export const sampleRollout = (over: Partial<RolloutRecord> = {}): RolloutRecord => ({
  id: 'r1',
  account: 'prod',
  region: 'us-east-1',
  functionName: 'shop-orders',
  aliasName: 'live',
  description: { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', deploymentType: 'Canary10Percent5Minutes' },
  deploymentType: 'Canary10Percent5Minutes',
  steps: [
    { weight: 10, bakeSeconds: 300 },
    { weight: 100, bakeSeconds: 0 },
  ],
  state: 'RUNNING',
  phase: 'PREPARE',
  weight: 0,
  stepIndex: -1,
  pausedMs: 0,
  createdAt: 1000,
  updatedAt: 1000,
  ...over,
});

/** The contract every RolloutStore keeps; `make()` gives a fresh, empty store. */
export function runRolloutStoreCases(name: string, make: () => Promise<RolloutStore> | RolloutStore) {
  describe(`${name} (RolloutStore cases)`, () => {
    it('keeps a rollout as created, independent of the caller’s object', async () => {
      const s = await make();
      const r = sampleRollout();
      expect(await s.create(r)).toEqual({ created: true });
      r.weight = 55;
      expect(await s.get('r1')).toEqual(sampleRollout());
      expect(await s.get('nope')).toBeUndefined();
    });

    it('refuses a second running rollout on the same alias and names the owner; a finished one frees the alias', async () => {
      const s = await make();
      await s.create(sampleRollout());
      const second = await s.create(sampleRollout({ id: 'r2' }));
      expect(second).toMatchObject({ created: false, owner: { id: 'r1' } });
      expect(await s.get('r2')).toBeUndefined();
      // Other aliases, functions, regions and accounts are free.
      expect(await s.create(sampleRollout({ id: 'r3', aliasName: 'beta' }))).toEqual({ created: true });
      expect(await s.create(sampleRollout({ id: 'r4', region: 'eu-west-1' }))).toEqual({ created: true });
      // Paused still owns it.
      await s.update('r1', { state: 'PAUSED' }, 2000);
      expect(await s.create(sampleRollout({ id: 'r5' }))).toMatchObject({ created: false, owner: { id: 'r1' } });
      await s.update('r1', { state: 'ROLLED_BACK', phase: 'DONE' }, 3000);
      expect(await s.create(sampleRollout({ id: 'r6', createdAt: 4000 }))).toEqual({ created: true });
    });

    it('merges only the named fields; null removes a field; updatedAt follows', async () => {
      const s = await make();
      await s.create(sampleRollout({ pendingStep: 0 }));
      await s.update('r1', { control: { action: 'skip', at: 5 } }, 2000);
      const after = await s.update('r1', { weight: 10, stepIndex: 0, stepStartedAt: 2100, pendingStep: null }, 2100);
      expect(after).toMatchObject({ weight: 10, stepIndex: 0, stepStartedAt: 2100, control: { action: 'skip', at: 5 }, updatedAt: 2100, phase: 'PREPARE' });
      expect(after).not.toHaveProperty('pendingStep');
      expect(await s.get('r1')).toEqual(after);
      expect(await s.update('missing', { weight: 1 }, 1)).toBeUndefined();
    });

    it('lists newest first, filtered by account, function, activity and the readable accounts', async () => {
      const s = await make();
      await s.create(sampleRollout({ id: 'a', createdAt: 1 }));
      await s.create(sampleRollout({ id: 'b', aliasName: 'x', createdAt: 2, state: 'SUCCEEDED' }));
      await s.create(sampleRollout({ id: 'c', account: 'test', createdAt: 3 }));
      await s.create(sampleRollout({ id: 'd', functionName: 'other', createdAt: 4 }));
      const ids = async (f: Parameters<RolloutStore['list']>[0]) => (await s.list(f)).map((r) => r.id);
      expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
      expect(await ids({ account: 'prod' })).toEqual(['d', 'b', 'a']);
      expect(await ids({ functionName: 'shop-orders' })).toEqual(['c', 'b', 'a']);
      expect(await ids({ active: true })).toEqual(['d', 'c', 'a']);
      expect(await ids({ active: false })).toEqual(['b']);
      expect(await ids({ accounts: ['test'] })).toEqual(['c']);
      expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
    });

    it('appends events in order and keeps them per rollout', async () => {
      const s = await make();
      await s.create(sampleRollout());
      await s.create(sampleRollout({ id: 'r2', aliasName: 'b' }));
      await s.appendEvents('r1', [
        { at: 1, kind: 'weight', message: '10%', step: 0, weight: 10 },
        { at: 2, kind: 'gate', message: 'alarm OK', gate: 'alarm:x', value: 'OK', threshold: 'ALARM', passed: true },
      ]);
      await s.appendEvents('r2', [{ at: 3, kind: 'started', message: 'other' }]);
      await s.appendEvents('r1', [{ at: 4, kind: 'gate', message: 'errors', gate: 'metric:Errors', value: 0.5, threshold: 0.01, passed: false }]);
      await s.appendEvents('r1', []);
      expect((await s.events('r1')).map((e) => e.at)).toEqual([1, 2, 4]);
      expect(await s.events('r1')).toContainEqual({ at: 4, kind: 'gate', message: 'errors', gate: 'metric:Errors', value: 0.5, threshold: 0.01, passed: false });
      expect(await s.events('r2')).toEqual([{ at: 3, kind: 'started', message: 'other' }]);
      expect(await s.events('none')).toEqual([]);
    });
  });
}
