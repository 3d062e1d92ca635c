import { describe, expect, it } from 'vitest';
import { waitUntil } from './waitUntil.js';

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps };
}

describe('waitUntil', () => {
  it('retries with exponential backoff between bounds until SUCCESS', async () => {
    const c = clock();
    let n = 0;
    const v = await waitUntil('function Active', async () => (++n < 5 ? { state: 'RETRY', reason: 'Pending' } : { state: 'SUCCESS', value: n }), { minDelayMs: 100, maxDelayMs: 400, maxWaitMs: 10_000, ...c });
    expect(v).toBe(5);
    expect(c.sleeps).toEqual([100, 200, 400, 400]);
  });

  it('throws on FAILURE with the reason', async () => {
    await expect(waitUntil('update', async () => ({ state: 'FAILURE', reason: 'LastUpdateStatus Failed: bad zip' }), { minDelayMs: 1, maxDelayMs: 1, maxWaitMs: 10, ...clock() })).rejects.toThrow('update: LastUpdateStatus Failed: bad zip');
  });

  it('times out naming what it waited for and the last reason, retryable', async () => {
    const err = await waitUntil('service steady', async () => ({ state: 'RETRY', reason: '1 of 2 tasks running' }), { minDelayMs: 1000, maxDelayMs: 1000, maxWaitMs: 3000, ...clock() }).catch((e) => e);
    expect(err).toMatchObject({ name: 'WaitTimeoutError', retryable: true, message: 'service steady: still not ready after 3 s (1 of 2 tasks running)' });
  });
});
