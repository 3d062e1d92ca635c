const THROTTLING = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|ServiceUnavailable/;

export interface RetryOptions {
  sleep: (ms: number) => Promise<void>;
  /** Attempts per call, on top of the SDK's own retries. */
  maxAttempts?: number;
  baseDelayMs?: number;
  onThrottle?: () => void;
}

interface Sendable {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * `client.send(command)`, retried with jittered exponential backoff while AWS throttles (the SDK's adaptive retries
 * come first; this keeps a long inventory or a write going when they are exhausted). Other errors pass through.
 */
export async function sendWithRetry<T>(client: unknown, command: object, o: RetryOptions, abortSignal?: AbortSignal): Promise<T> {
  const max = o.maxAttempts ?? 12;
  const base = o.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (client as Sendable).send(command, abortSignal ? { abortSignal } : undefined)) as T;
    } catch (err) {
      const name = (err as { name?: string })?.name ?? '';
      const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
      if (!(THROTTLING.test(name) || status === 429) || attempt >= max) throw err;
      o.onThrottle?.();
      const delay = Math.min(5_000, base * 2 ** (attempt - 1));
      await o.sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
