import type { Clock } from './clock.js';

/**
 * A per-account budget of AWS calls per second for the inventory. Calls get slots `1000 / callsPerSecond` ms apart,
 * so no one-second window ever holds more than `callsPerSecond` inventory calls however many functions are due at once
 * (a cold start of 10,000 functions is paced, not burst). Waiting callers are served in order, urgent ones (a change
 * event's read) before the rest, so an event never waits behind a cold start's backlog.
 */
export class CallBudget {
  private nextSlot = 0;
  private readonly interval: number;
  private readonly urgent: { go: () => void }[] = [];
  private readonly normal: { go: () => void }[] = [];
  private pumping = false;
  /** Calls made through this budget. */
  calls = 0;

  constructor(
    readonly callsPerSecond: number,
    private readonly clock: Clock,
  ) {
    this.interval = 1000 / callsPerSecond;
  }

  /** Resolves when the call may go out (at once when the budget has room and nobody waits); rejects on abort. */
  take(urgent = false, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new DOMException('inventory stopped', 'AbortError'));
    const now = this.clock.now();
    if (!this.pumping && now >= this.nextSlot) {
      this.nextSlot = now + this.interval;
      this.calls++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queue = urgent ? this.urgent : this.normal;
      const onAbort = () => {
        const at = queue.indexOf(w);
        if (at >= 0) queue.splice(at, 1);
        reject(new DOMException('inventory stopped', 'AbortError'));
      };
      const w = {
        go: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(w);
      if (!this.pumping) void this.pump();
    });
  }

  private async pump() {
    this.pumping = true;
    try {
      for (;;) {
        const wait = this.nextSlot - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        const next = this.urgent.shift() ?? this.normal.shift();
        if (!next) break;
        this.nextSlot = Math.max(this.clock.now(), this.nextSlot) + this.interval;
        this.calls++;
        next.go();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Callers waiting for a slot; a long queue means the budget cannot keep up with what is due. */
  get waiting(): number {
    return this.urgent.length + this.normal.length;
  }

  /** How long the queue of waiting callers takes to drain (ms). */
  backlogMs(): number {
    return this.waiting * this.interval;
  }
}
