/**
 * A controllable clock for the rollout engine: `now()` is virtual time and `sleep(ms)` parks the caller until the
 * clock reaches it. In `auto` mode the clock jumps to the earliest sleeper as soon as one waits (a 90-minute rollout
 * runs in milliseconds, in the order real time would give); otherwise the test moves it with `advance`/`step`.
 * `at(t, fn)` runs a change of the world (an alarm firing, metric data) when the clock passes `t`.
 */
export class VirtualClock {
  private sleepers: { at: number; resolve: () => void }[] = [];
  private scheduled: { at: number; fn: () => unknown }[] = [];
  private stepping = false;
  auto: boolean;
  t: number;

  constructor(options: { start?: number; auto?: boolean } = {}) {
    this.t = options.start ?? Date.parse('2026-03-01T00:00:00Z');
    this.auto = options.auto ?? true;
  }

  now = (): number => this.t;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const s = { at: this.t + Math.max(0, ms), resolve };
      this.sleepers.push(s);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((x) => x !== s);
          resolve();
        },
        { once: true },
      );
      if (this.auto) setImmediate(() => void this.step());
    });

  at(t: number, fn: () => unknown): void {
    this.scheduled.push({ at: t, fn });
    this.scheduled.sort((a, b) => a.at - b.at);
  }

  /** How many callers are parked in `sleep`. */
  get waiting(): number {
    return this.sleepers.length;
  }

  /** Moves to the earliest sleeper's time (running what is scheduled on the way) and wakes it. */
  async step(): Promise<boolean> {
    if (this.stepping || !this.sleepers.length) return false;
    this.stepping = true;
    try {
      const next = Math.min(...this.sleepers.map((s) => s.at));
      await this.runScheduled(next);
      this.t = Math.max(this.t, next);
      const due = this.sleepers.filter((s) => s.at <= this.t);
      this.sleepers = this.sleepers.filter((s) => s.at > this.t);
      for (const s of due) s.resolve();
      return true;
    } finally {
      this.stepping = false;
    }
  }

  /** Moves the clock forward by `ms`, waking every sleeper due by then. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await this.runScheduled(target);
    this.t = target;
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
  }

  /** Resolves once something sleeps (real time passes meanwhile: the server answers requests). */
  async untilWaiting(): Promise<void> {
    while (!this.sleepers.length) await new Promise((r) => setTimeout(r, 1));
  }

  private async runScheduled(upTo: number) {
    while (this.scheduled.length && this.scheduled[0]!.at <= upTo) {
      const s = this.scheduled.shift()!;
      this.t = Math.max(this.t, s.at);
      await s.fn();
    }
  }
}
