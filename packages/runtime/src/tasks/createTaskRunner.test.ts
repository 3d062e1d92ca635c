import { describe, expect, it } from 'vitest';
import { createLogger } from '../http/createLogger.js';
import { InMemoryTaskStore } from './InMemoryTaskStore.js';
import { createTaskRunner } from './createTaskRunner.js';
import { toWebhookStatus } from './taskState.js';

const logger = createLogger({ level: 'silent' });
const settle = () => new Promise((r) => setTimeout(r, 10));

describe('createTaskRunner', () => {
  it('fails a task with clouddriver history lines and an exception summary a person can act on', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    const { task } = await runner.submit({ operation: 'createLambdaFunction', account: 'dev' }, async () => {
      throw Object.assign(new Error('AWS Lambda is not enabled for provided account.'), { name: 'InvalidAccountException' });
    });
    await settle();
    const t = (await store.get(task.id))!;
    expect(t).toMatchObject({ completed: true, failed: true, retryable: false });
    expect(t.history.at(-1)?.status).toBe('Orchestration failed: createLambdaFunction | InvalidAccountException: [AWS Lambda is not enabled for provided account.]');
    expect(t.resultObjects[0]).toEqual({ type: 'EXCEPTION', operation: 'createLambdaFunction', message: 'AWS Lambda is not enabled for provided account.', cause: 'InvalidAccountException', retryable: false });
    expect(toWebhookStatus(t)).toMatchObject({ status: 'TERMINAL', message: 'AWS Lambda is not enabled for provided account.' });
  });

  it('marks throttling failures retryable', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    const { task } = await runner.submit({ operation: 'op' }, async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    });
    await settle();
    expect((await store.get(task.id))?.retryable).toBe(true);
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

  it('on drain, waits for running work, then fails what is left as retryable', async () => {
    const store = new InMemoryTaskStore();
    const runner = createTaskRunner({ store, logger });
    const quick = await runner.submit({ operation: 'quick' }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return { done: 1 };
    });
    const stuck = await runner.submit({ operation: 'stuck' }, (ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('aborted')), 50))));
    expect(runner.running()).toBe(2);
    await runner.drain(30);
    expect((await store.get(quick.task.id))).toMatchObject({ completed: true, failed: false });
    const s = (await store.get(stuck.task.id))!;
    expect(s).toMatchObject({ completed: true, failed: true, retryable: true });
    expect(s.resultObjects[0]?.message).toMatch(/outrigger was shut down while this task was running/);
  });
});
