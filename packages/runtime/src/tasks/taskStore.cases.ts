import { describe, expect, it } from 'vitest';
import { TaskFencedError, type TaskLease, type TaskStore } from './TaskStore.js';

/** The contract every TaskStore keeps. Each implementation's test calls this with a factory for a fresh store. */
export function runTaskStoreCases(name: string, makeStore: () => Promise<TaskStore> | TaskStore) {
  describe(`${name} (TaskStore cases)`, () => {
    const base = { ownerId: 'owner-a', operation: 'createLambdaFunction', phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task' };

    it('creates, reads and appends history in order', async () => {
      const store = await makeStore();
      const { task, created } = await store.create({ ...base, id: 't1', account: 'prod' }, 1000);
      expect(created).toBe(true);
      expect(task).toMatchObject({ id: 't1', account: 'prod', completed: false, startTimeMs: 1000 });
      await store.appendHistory('t1', 'CREATE', 'Creating function', 1001);
      await store.addResultObjects('t1', [{ functionName: 'a' }]);
      const t = await store.get('t1');
      expect(t?.history.map((h) => h.status)).toEqual(['Initializing Orchestration Task', 'Creating function']);
      expect(t?.status).toBe('Creating function');
      expect(t?.resultObjects).toEqual([{ functionName: 'a' }]);
      expect(await store.get('missing')).toBeUndefined();
      await store.close();
    });

    it('finishes once, and a finished task does not change again', async () => {
      const store = await makeStore();
      await store.create({ ...base, id: 't2' }, 1);
      await store.finish('t2', { failed: false, retryable: false, phase: 'ORCHESTRATION', status: 'Orchestration completed.', resultObjects: [{ v: 1 }] }, 5);
      await store.finish('t2', { failed: true, retryable: true, phase: 'ORCHESTRATION', status: 'late' }, 6);
      const t = await store.get('t2');
      expect(t).toMatchObject({ completed: true, failed: false, endTimeMs: 5, status: 'Orchestration completed.' });
      expect(t?.resultObjects).toEqual([{ v: 1 }]);
      expect(await store.countByState()).toEqual({ running: 0, succeeded: 1, failed: 0, canceled: 0 });
      await store.close();
    });

    it('returns the existing task for a repeated clientRequestId unless it failed retryably', async () => {
      const store = await makeStore();
      const first = await store.create({ ...base, id: 'a', requestId: 'req-1' }, 1);
      const again = await store.create({ ...base, id: 'b', requestId: 'req-1' }, 2);
      expect(again).toMatchObject({ created: false, task: { id: 'a' } });
      expect(first.created).toBe(true);
      await store.finish('a', { failed: true, retryable: true, phase: 'ORCHESTRATION', status: 'failed' }, 3);
      const retry = await store.create({ ...base, id: 'c', requestId: 'req-1' }, 4);
      expect(retry).toMatchObject({ created: true, task: { id: 'c' } });
      await store.finish('c', { failed: true, retryable: false, phase: 'ORCHESTRATION', status: 'failed' }, 5);
      expect((await store.create({ ...base, id: 'd', requestId: 'req-1' }, 6)).task.id).toBe('c');
      await store.close();
    });

    it('lists newest first, filtered by account', async () => {
      const store = await makeStore();
      await store.create({ ...base, id: 'x', account: 'prod' }, 1);
      await store.create({ ...base, id: 'y', account: 'test' }, 2);
      await store.create({ ...base, id: 'z' }, 3);
      expect((await store.list({ limit: 10 })).map((t) => t.id)).toEqual(['z', 'y', 'x']);
      expect((await store.list({ limit: 10, accounts: ['prod'] })).map((t) => t.id)).toEqual(['z', 'x']);
      expect((await store.list({ limit: 10, accounts: [] })).map((t) => t.id)).toEqual(['z']);
      expect((await store.list({ limit: 1 })).map((t) => t.id)).toEqual(['z']);
      await store.close();
    });

    it('fails orphans of dead owners as retryable, leaving live owners alone', async () => {
      const store = await makeStore();
      await store.create({ ...base, id: 'dead', ownerId: 'old' }, 100);
      await store.create({ ...base, id: 'mine', ownerId: 'me' }, 100);
      await store.create({ ...base, id: 'alive', ownerId: 'other' }, 100);
      await store.heartbeat('other', 500);
      const failed = await store.failOrphans({ exceptOwnerId: 'me', staleBeforeMs: 400, now: 600, message: (t) => `owner ${t.ownerId} died` });
      expect(failed.map((t) => t.id)).toEqual(['dead']);
      const dead = await store.get('dead');
      expect(dead).toMatchObject({ completed: true, failed: true, retryable: true });
      expect(dead?.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', message: 'owner old died', retryable: true });
      expect((await store.get('mine'))?.completed).toBe(false);
      expect((await store.get('alive'))?.completed).toBe(false);
      expect(await store.countByState()).toEqual({ running: 2, succeeded: 0, failed: 1, canceled: 0 });
      await store.close();
    });

    it('keeps the input and a step journal in order, and reopens a failed retryable task exactly once', async () => {
      const store = await makeStore();
      await store.create({ ...base, id: 'r1', account: 'prod', input: { functionName: 'fn', memorySize: 128 } }, 10);
      await store.recordStep('r1', 'createFunction', { functionArn: 'arn:1' }, 11);
      await store.recordStep('r1', 'publishVersion', { version: '1' }, 12);
      await store.recordStep('missing', 'x', {}, 12);
      expect(await store.get('missing')).toBeUndefined();
      let t = await store.get('r1');
      expect(t?.input).toEqual({ functionName: 'fn', memorySize: 128 });
      expect(t?.steps).toEqual([
        { name: 'createFunction', effect: { functionArn: 'arn:1' }, timestamp: 11 },
        { name: 'publishVersion', effect: { version: '1' }, timestamp: 12 },
      ]);
      const line = { phase: 'ORCHESTRATION', status: 'Resuming task' };
      expect(await store.reopen('r1', 'owner-b', line, 13)).toBeUndefined(); // still running: nothing to resume
      await store.addResultObjects('r1', [{ functionName: 'fn' }]);
      await store.finish('r1', { failed: true, retryable: true, phase: 'ORCHESTRATION', status: 'failed', resultObjects: [{ type: 'EXCEPTION', message: 'boom' }] }, 14);
      const [a, b] = await Promise.all([store.reopen('r1', 'owner-b', line, 15), store.reopen('r1', 'owner-c', line, 15)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      t = await store.get('r1');
      expect(t).toMatchObject({ completed: false, failed: false, retryable: false, status: 'Resuming task' });
      expect(t?.endTimeMs).toBeUndefined();
      expect(['owner-b', 'owner-c']).toContain(t?.ownerId);
      expect(t?.resultObjects).toEqual([{ functionName: 'fn' }]);
      expect(t?.steps.map((s) => s.name)).toEqual(['createFunction', 'publishVersion']);
      expect(t?.history.map((h) => h.status).slice(-2)).toEqual(['failed', 'Resuming task']);
      expect(await store.countByState()).toMatchObject({ running: 1, failed: 0 });
      // A task that failed for good is never reopened.
      await store.create({ ...base, id: 'r2' }, 20);
      await store.finish('r2', { failed: true, retryable: false, phase: 'ORCHESTRATION', status: 'failed' }, 21);
      expect(await store.reopen('r2', 'owner-b', line, 22)).toBeUndefined();
      expect(await store.reopen('nope', 'owner-b', line, 22)).toBeUndefined();
      await store.close();
    });

    it('fails an orphan that cannot be resumed as not retryable', async () => {
      const store = await makeStore();
      await store.create({ ...base, id: 'o1', ownerId: 'old', operation: 'unresumable' }, 100);
      await store.create({ ...base, id: 'o2', ownerId: 'old' }, 100);
      await store.failOrphans({ exceptOwnerId: 'me', staleBeforeMs: 400, now: 600, message: () => 'died', retryable: (t) => t.operation !== 'unresumable' });
      expect(await store.get('o1')).toMatchObject({ failed: true, retryable: false });
      expect((await store.get('o1'))?.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', retryable: false, details: [{ message: 'died' }] });
      expect(await store.get('o2')).toMatchObject({ failed: true, retryable: true });
      await store.close();
    });

    it('refuses every write of the previous holder after a reopen, even when ownership comes back to the same owner', async () => {
      const store = await makeStore();
      const { task } = await store.create({ ...base, id: 'f1', ownerId: 'owner-a', input: { functionName: 'fn' } }, 10);
      const first: TaskLease = { ownerId: 'owner-a', epoch: task.epoch };
      await store.appendHistory('f1', 'ORCHESTRATION', 'step one', 11, first);
      await store.recordStep('f1', 'createFunction', { functionArn: 'arn:1' }, 12, first);
      await store.finish('f1', { failed: true, retryable: true, phase: 'ORCHESTRATION', status: 'failed' }, 13, first);
      const line = { phase: 'ORCHESTRATION', status: 'Resuming task' };
      // Reopened by another owner: the first run's late writes are all refused and change nothing.
      const b = (await store.reopen('f1', 'owner-b', line, 14))!;
      expect(b.epoch).not.toBe(first.epoch);
      const before = await store.get('f1');
      await expect(store.appendHistory('f1', 'ORCHESTRATION', 'stale line', 15, first)).rejects.toBeInstanceOf(TaskFencedError);
      await expect(store.addResultObjects('f1', [{ stale: true }], first)).rejects.toBeInstanceOf(TaskFencedError);
      await expect(store.recordStep('f1', 'stale', {}, 15, first)).rejects.toBeInstanceOf(TaskFencedError);
      await expect(
        store.finish('f1', { failed: false, retryable: false, phase: 'ORCHESTRATION', status: 'Orchestration completed.', resultObjects: [{ stale: true }] }, 15, first),
      ).rejects.toBeInstanceOf(TaskFencedError);
      expect(await store.get('f1')).toEqual(before);
      // The new holder writes as usual and finishes the task as it sees fit.
      const second: TaskLease = { ownerId: 'owner-b', epoch: b.epoch };
      await store.recordStep('f1', 'publishVersion', { version: '1' }, 16, second);
      await store.finish('f1', { failed: true, retryable: true, phase: 'ORCHESTRATION', status: 'failed again' }, 17, second);
      // Back to owner-a by a second reopen: the first run (same owner, older epoch) is still fenced out.
      const again = (await store.reopen('f1', 'owner-a', line, 18))!;
      expect(again.ownerId).toBe('owner-a');
      await expect(store.appendHistory('f1', 'ORCHESTRATION', 'stale line', 19, first)).rejects.toBeInstanceOf(TaskFencedError);
      await expect(store.finish('f1', { failed: false, retryable: false, phase: 'ORCHESTRATION', status: 'done' }, 19, first)).rejects.toBeInstanceOf(TaskFencedError);
      await store.finish('f1', { failed: false, retryable: false, phase: 'ORCHESTRATION', status: 'Orchestration completed.' }, 20, { ownerId: 'owner-a', epoch: again.epoch });
      const t = await store.get('f1');
      expect(t).toMatchObject({ completed: true, failed: false, status: 'Orchestration completed.' });
      expect(t?.history.map((h) => h.status)).not.toContain('stale line');
      expect(t?.steps.map((s) => s.name)).toEqual(['createFunction', 'publishVersion']);
      expect(t?.resultObjects).toEqual([]);
      await store.close();
    });

    it('refuses the dead owner\'s writes once its orphan was failed or taken over', async () => {
      const store = await makeStore();
      const { task } = await store.create({ ...base, id: 'g1', ownerId: 'old' }, 100);
      const { task: task2 } = await store.create({ ...base, id: 'g2', ownerId: 'old' }, 100);
      const old: TaskLease = { ownerId: 'old', epoch: task.epoch };
      if (store.takeOverOrphans) {
        const taken = await store.takeOverOrphans({ ownerId: 'me', staleBeforeMs: 400, now: 600, accept: (t) => t.id === 'g1', line: () => ({ phase: 'ORCHESTRATION', status: 'adopted' }) });
        expect(taken.map((t) => t.id)).toEqual(['g1']);
        await expect(store.finish('g1', { failed: false, retryable: false, phase: 'ORCHESTRATION', status: 'stale done' }, 700, old)).rejects.toBeInstanceOf(TaskFencedError);
        await expect(store.recordStep('g1', 'stale', {}, 700, old)).rejects.toBeInstanceOf(TaskFencedError);
        expect(await store.get('g1')).toMatchObject({ completed: false, ownerId: 'me', status: 'adopted', steps: [] });
        await store.appendHistory('g1', 'ORCHESTRATION', 'adopter works', 701, { ownerId: 'me', epoch: taken[0]!.epoch });
        expect((await store.get('g1'))?.status).toBe('adopter works');
      }
      await store.failOrphans({ exceptOwnerId: 'me', staleBeforeMs: 400, now: 800, message: () => 'died' });
      const lateStep = store.recordStep('g2', 'stale', {}, 900, { ownerId: 'old', epoch: task2.epoch });
      await expect(lateStep).rejects.toBeInstanceOf(TaskFencedError);
      expect(await store.get('g2')).toMatchObject({ completed: true, failed: true, steps: [] });
      await store.close();
    });
  });
}
