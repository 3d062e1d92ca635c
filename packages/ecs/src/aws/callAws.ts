import { mapAwsError } from '@outrigger/runtime';

const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/;

export interface CallOptions {
  sleep?: (ms: number) => Promise<void>;
  /** Attempts for throttling errors, on top of the SDK's own retries (default 4). */
  attempts?: number;
}

/**
 * One AWS call with a second line of defence against throttling (the SDK's adaptive retries come first): retried
 * with backoff, then translated by `mapAwsError` (throttling stays retryable, so the task says so).
 */
export async function callAws<T>(service: string, fn: () => Promise<T>, o: CallOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 4;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let n = 1; ; n++) {
    try {
      return await fn();
    } catch (err) {
      const name = (err as { name?: string })?.name ?? '';
      if (THROTTLING.test(name) && n < attempts) {
        await sleep(Math.min(8_000, 250 * 2 ** (n - 1)));
        continue;
      }
      throw mapAwsError(err, service);
    }
  }
}
