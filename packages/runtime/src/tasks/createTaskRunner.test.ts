import { describe, expect, it } from 'vitest';
import { createLogger } from '../http/createLogger.js';
import { InMemoryTaskStore } from './InMemoryTaskStore.js';
import { createTaskRunner } from './createTaskRunner.js';
import { toWebhookStatus } from './taskState.js';

const logger = createLogger({ level: 'silent' });
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('createTaskRunner', () => {
  it('a stalled run whose task was taken over stops quietly and writes nothing more (fencing)', async () => {
    const store = new InMemoryTaskStore();
    const a = createTaskRunner({ store, logger, ownerId: 'replica-a' });
    const b = createTaskRunner({ store, logger, ownerId: 'replica-b' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let staleSignal: AbortSignal | undefined;
    let staleStepError: unknown;
    const stalled = async (ctx: import('./createTaskRunner.js').TaskContext) => {
      await ctx.step('first', async () => ({ done: 1 }));
      await gate; // replica-a stalls here
      staleSignal = ctx.signal;
      try {
        await ctx.step('second', async () => ({ stale: true }));
      } catch (err) {
        staleStepError = err;
        throw err;
      }
      return { stale: true };
    };
    b.resumable('op', () => async (ctx) => {
      await ctx.step('first', async () => ({ done: 2 }));
      await ctx.step('second', async () => ({ done: 2 }));
      return { by: 'replica-b' };
    });
    const { task } = await a.submit({ operation: 'op', input: { x: 1 } }, stalled);
    await settle();
    // replica-a went silent: its task is failed as an orphan, then resumed by replica-b, which finishes it.
    await store.failOrphans({ exceptOwnerId: 'replica-b', staleBeforeMs: Number.MAX_SAFE_INTEGER, now: Date.now(), message: () => 'replica-a stopped answering' });
    expect(await b.resume(task.id)).toBeDefined();
    await settle();
    const done = (await store.get(task.id))!;
    expect(done).toMatchObject({ completed: true, failed: false, ownerId: 'replica-b', resultObjects: [{ by: 'replica-b' }] });
    // replica-a wakes up: its next write is refused, its run stops, nothing changes and nothing is thrown out of it.
    release();
    await settle();
    expect(staleStepError).toMatchObject({ name: 'TaskFencedError' });
    expect(staleSignal?.aborted).toBe(true);
    expect(a.running()).toBe(0);
    expect(await store.get(task.id)).toEqual(done);
  });

  it('fails a task with clouddriver history lines and an exception summary a person can act on', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    const { task } = await runner.submit({ operation: 'createLambdaFunction', account: 'dev' }, async () => {
      throw Object.assign(new Error('AWS Lambda is not enabled for provided account.'), { name: 'InvalidAccountException' });
    });
    await settle();
    const t = (await store.get(task.id))!;
    expect(t).toMatchObject({ completed: true, failed: true, retryable: false });
    expect(t.history.at(-1)?.status).toBe('createLambdaFunction failed: AWS Lambda is not enabled for provided account.');
    expect(t.history.map((h) => h.status).join('\n')).not.toMatch(/\| Exc|: \[/);
    // clouddriver's exception summary, with kork's `details` chain (innermost first).
    expect(t.resultObjects[0]).toEqual({
      type: 'EXCEPTION',
      operation: 'createLambdaFunction',
      message: 'AWS Lambda is not enabled for provided account.',
      cause: 'InvalidAccountException',
      retryable: false,
      details: [{ message: 'AWS Lambda is not enabled for provided account.', exceptionType: 'InvalidAccountException', retryable: false }],
    });
    expect(toWebhookStatus(t)).toMatchObject({ status: 'TERMINAL', message: 'AWS Lambda is not enabled for provided account.' });
  });

  it('marks throttling failures retryable only for operations that can resume', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    const throttled = async () => {
      throw Object.assign(new Error('Rate exceeded', { cause: Object.assign(new Error('429'), { name: 'HttpError' }) }), { name: 'TooManyRequestsException' });
    };
    runner.resumable('resumableOp', () => throttled);
    const a = await runner.submit({ operation: 'resumableOp', input: { x: 1 } }, throttled);
    const b = await runner.submit({ operation: 'op', input: { x: 1 } }, throttled);
    await settle();
    const ta = (await store.get(a.task.id))!;
    expect(ta.retryable).toBe(true);
    expect(ta.resultObjects[0]?.details).toEqual([
      { message: '429', exceptionType: 'HttpError', retryable: true },
      { message: 'Rate exceeded', exceptionType: 'TooManyRequestsException', retryable: true },
    ]);
    // An operation that cannot continue safely is never retryable (Orca would resume it and get a refusal).
    expect((await store.get(b.task.id))?.retryable).toBe(false);
  });

  it('resumes a failed task under the same id, never repeating a step that took effect', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    const effects: string[] = [];
    let failOnce = true;
    const work = (input: Record<string, unknown>) => async (ctx: import('./createTaskRunner.js').TaskContext) => {
      const made = await ctx.step('create', async () => {
        effects.push(`create ${String(input.name)}`);
        return { name: `${String(input.name)}-v003` };
      });
      if (failOnce) {
        failOnce = false;
        throw Object.assign(new Error('throttled'), { retryable: true });
      }
      await ctx.step('enable', async () => {
        effects.push(`enable ${String(made.name)}`);
        return {};
      });
      return { serverGroupNames: [`us-east-1:${String(made.name)}`], resumed: ctx.resumed };
    };
    runner.resumable('deploy', (input) => work(input));
    const { task } = await runner.submit({ operation: 'deploy', input: { name: 'web' } }, work({ name: 'web' }));
    await settle();
    expect(await store.get(task.id)).toMatchObject({ failed: true, retryable: true });
    const resumed = await runner.resume(task.id);
    expect(resumed?.id).toBe(task.id);
    expect(await runner.resume(task.id)).toBeUndefined(); // already running again
    await settle();
    const t = (await store.get(task.id))!;
    expect(t).toMatchObject({ completed: true, failed: false, retryable: false });
    expect(effects).toEqual(['create web', 'enable web-v003']);
    expect(t.resultObjects).toEqual([{ serverGroupNames: ['us-east-1:web-v003'], resumed: true }]);
    expect(t.history.map((h) => h.status)).toContain('Resuming task after failure (1 step(s) already took effect)');
    expect(t.history.map((h) => h.status)).toContain('Step create already took effect; not repeating it');
    expect(await runner.resume(task.id)).toBeUndefined(); // succeeded: nothing to resume
  });

  it('resumableMatching: a process that never saw a list task submitted still resumes it (its name is matched)', async () => {
    const store = new InMemoryTaskStore();
    const matches = (op: string) => op.split(',').every((o) => ['disable', 'resize'].includes(o));
    const first = createTaskRunner({ store, logger });
    first.resumableMatching(matches, () => async () => ({}));
    const { task } = await first.submit({ operation: 'disable,resize', input: { ops: ['disable', 'resize'] } }, async () => {
      throw Object.assign(new Error('throttled'), { retryable: true });
    });
    await settle();
    expect(await store.get(task.id)).toMatchObject({ failed: true, retryable: true });
    // A new process (a restart): nothing registered under the exact name 'disable,resize'.
    const second = createTaskRunner({ store, logger });
    second.resumable('disable', () => async () => ({}));
    expect(second.canResume(task)).toBe(false);
    const ran: string[] = [];
    second.resumableMatching(matches, (input) => async () => {
      ran.push(...(input.ops as string[]));
      return { done: true };
    });
    expect(second.canResume(task)).toBe(true);
    expect(second.canResume({ operation: 'disable,invoke', input: {} })).toBe(false);
    expect((await second.resume(task.id))?.id).toBe(task.id);
    await settle();
    expect(await store.get(task.id)).toMatchObject({ completed: true, failed: false });
    expect(ran).toEqual(['disable', 'resize']);
  });

  it('runs one task per clientRequestId', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    let runs = 0;
    const work = async () => {
      runs++;
      return { ok: true };
    };
    const a = await runner.submit({ operation: 'op', requestId: 'same' }, work);
    const b = await runner.submit({ operation: 'op', requestId: 'same' }, work);
    await settle();
    expect(b).toMatchObject({ created: false, task: { id: a.task.id } });
    expect(runs).toBe(1);
  });

  it('on drain, waits for running work, then fails what is left (retryable when it can resume)', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    runner.resumable('stuck', () => async () => undefined);
    const quick = await runner.submit({ operation: 'quick' }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return { done: 1 };
    });
    const stuck = await runner.submit({ operation: 'stuck', input: {} }, (ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('aborted')), 50))));
    expect(runner.running()).toBe(2);
    await runner.drain(30);
    expect((await store.get(quick.task.id))).toMatchObject({ completed: true, failed: false });
    const s = (await store.get(stuck.task.id))!;
    expect(s).toMatchObject({ completed: true, failed: true, retryable: true });
    expect(s.resultObjects[0]?.message).toMatch(/outrigger was shut down while this task was running; it will continue/);
  });
});
