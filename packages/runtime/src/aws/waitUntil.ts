/** A poller's verdict for one check. */
export type WaitState<T> = { state: 'SUCCESS'; value: T } | { state: 'FAILURE'; reason: string } | { state: 'RETRY'; reason?: string };

export interface WaitOptions {
  minDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
  /** Injected so tests run instantly. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  readonly retryable = true;
}
export class WaitFailedError extends Error {
  override readonly name = 'WaitFailedError';
}

/**
 * The AWS `createWaiter` pattern: call `check` until it says SUCCESS (returns the value), FAILURE (throws) or the time
 * runs out (throws `WaitTimeoutError` naming `what` and the last reason), with exponential backoff between bounds.
 */
export async function waitUntil<T>(what: string, check: () => Promise<WaitState<T>>, o: WaitOptions): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const deadline = now() + o.maxWaitMs;
  let delay = o.minDelayMs;
  let last = '';
  for (;;) {
    if (o.signal?.aborted) throw new WaitFailedError(`${what}: stopped while waiting`);
    const r = await check();
    if (r.state === 'SUCCESS') return r.value;
    if (r.state === 'FAILURE') throw new WaitFailedError(`${what}: ${r.reason}`);
    last = r.reason ?? last;
    if (now() + delay > deadline) throw new WaitTimeoutError(`${what}: still not ready after ${Math.round(o.maxWaitMs / 1000)} s${last ? ` (${last})` : ''}`);
    await sleep(delay);
    delay = Math.min(o.maxDelayMs, delay * 2);
  }
}
