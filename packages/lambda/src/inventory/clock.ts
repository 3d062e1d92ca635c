/** Time as the inventory sees it: the wall clock in production, a manual clock in tests and benchmarks. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, Math.max(0, ms));
      t.unref?.();
      signal?.addEventListener('abort', done, { once: true });
      function done() {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
    }),
};

export interface ManualClock extends Clock {
  /** Moves time forward to `until`, waking every sleeper on the way in time order (and letting its work run). */
  runUntil(until: number): Promise<void>;
  /** `runUntil(now() + ms)`. */
  advance(ms: number): Promise<void>;
  /** Sleepers not yet woken. */
  readonly pending: number;
}

/**
 * A clock that only moves when told to. Every sleeper waits in a time-ordered heap; `runUntil` wakes them one by one
 * and lets the promise chains they resume settle (a `setImmediate` turn) before looking at the next one, so a
 * simulated hour of inventory work runs in bounded real time with the exact call timing it would have had.
 */
export function createManualClock(start = Date.parse('2026-01-01T00:00:00Z')): ManualClock {
  let now = start;
  let seq = 0;
  const heap: { at: number; seq: number; wake: () => void; done: () => boolean }[] = [];
  const less = (a: (typeof heap)[number], b: (typeof heap)[number]) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const push = (x: (typeof heap)[number]) => {
    heap.push(x);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!less(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  const settle = () => new Promise<void>((r) => setImmediate(r));
  const clock: ManualClock = {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        let done = false;
        const wake = () => {
          if (done) return;
          done = true;
          resolve();
        };
        signal?.addEventListener('abort', wake, { once: true });
        push({ at: now + Math.max(0, ms), seq: seq++, wake, done: () => done });
      });
    },
    async runUntil(until) {
      await settle();
      while (heap.length && heap[0]!.at <= until) {
        const next = pop();
        if (next.done()) continue; // aborted sleeper: nothing to run
        now = Math.max(now, next.at);
        next.wake();
        await settle();
      }
      now = Math.max(now, until);
      await settle();
    },
    advance(ms) {
      return clock.runUntil(now + ms);
    },
    get pending() {
      return heap.length;
    },
  };
  return clock;
}
