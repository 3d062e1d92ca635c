import { setMaxListeners } from 'node:events';
import { GetAccountSettingsCommand, LambdaClient, type GetAccountSettingsCommandOutput } from '@aws-sdk/client-lambda';
import type { Logger } from 'pino';
import type { AccountConfig, AwsClientFactory } from '@outrigger/runtime';
import { CallBudget } from './CallBudget.js';
import type { Clock } from './clock.js';
import type { FunctionInventory, SendFn } from './FunctionInventory.js';

/** The numbers that drive refreshes (seconds in config, ms here). */
export interface RefreshPolicy {
  /** Listing interval while polling (no healthy change feed). */
  pollListMs: number;
  /** Every function's details are re-read once per this window while polling. */
  pollDetailMs: number;
  /** Listing interval while the change feed of the region is healthy. */
  feedListMs: number;
  /** Detail window while the change feed is healthy (hours). */
  feedDetailMs: number;
  /** `ListFunctions FunctionVersion=ALL` at least this often while polling, even when the cheap signal is quiet. */
  allVersionsListMs: number;
  /** The same while the change feed is healthy (PublishVersion and DeleteFunction events report versions). */
  feedAllVersionsListMs: number;
  /** Per account, AWS calls per second for everything the inventory reads. */
  callsPerSecond: number;
  /** Reads running at once per region for new or changed functions. */
  concurrency: number;
}

export type RefreshReason = 'event' | 'new' | 'changed' | 'periodic';
export type Mode = 'polling' | 'feed';

export interface LaneStatus {
  mode: Mode;
  functions: number;
  lastListAt?: string;
  lastListError?: string;
  listed?: number;
  allVersionsListings: number;
  signalTriggeredListings: number;
  reads: Record<RefreshReason, number>;
  failedReads: number;
  queued: number;
  /** Age of the stalest function's details (s). */
  stalestSeconds: number;
  /** Window in which every function's details are re-read in this mode (s). */
  detailWindowSeconds: number;
  /** Whether the budget can re-read every function once per window (calls it would need per second vs budget). */
  neededCallsPerSecond: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Pending {
  name: string;
  reason: RefreshReason;
  waiters: Waiter[];
}

/** Sleeps `ms` or until any of the signals aborts, leaving no listener behind (AbortSignal.any would, per sleep). */
async function sleepUntil(clock: Clock, ms: number, ...signals: AbortSignal[]): Promise<void> {
  if (signals.some((s) => s.aborted)) return;
  const c = new AbortController();
  const stop = () => c.abort();
  for (const s of signals) s.addEventListener('abort', stop, { once: true });
  try {
    await clock.sleep(ms, c.signal);
  } finally {
    for (const s of signals) s.removeEventListener('abort', stop);
  }
}

/** What one detailed read costs: GetFunction, ListVersionsByFunction, ListAliases, ListEventSourceMappings, GetPolicy. */
const CALLS_PER_READ = 5;

/**
 * One account/region: a listing loop, a priority queue of reads for functions that are new, changed or named by an
 * event, and a sweep that re-reads every function's details once per window, one at a time, at an even pace
 * (`window / functions`), always the one read longest ago. All AWS calls go through the account's CallBudget.
 */
class Lane {
  mode: Mode = 'polling';
  private readonly high: Pending[] = [];
  private readonly normal: Pending[] = [];
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Map<string, Pending>();
  /** Sweep order: (name, read time) in read order; stale records (read again since) are skipped lazily. */
  private sweep: { name: string; at: number }[] = [];
  private sweepHead = 0;
  private readonly readAt = new Map<string, number>();
  private wake = new AbortController();
  private workWake = new AbortController();
  private lastUsage?: { size: number; latestSize: number; knownPublished: number };
  private lastAllVersionsAt = -Infinity;
  readonly status: Omit<LaneStatus, 'mode' | 'functions' | 'queued' | 'stalestSeconds' | 'detailWindowSeconds' | 'neededCallsPerSecond'> = {
    allVersionsListings: 0,
    signalTriggeredListings: 0,
    reads: { event: 0, new: 0, changed: 0, periodic: 0 },
    failedReads: 0,
  };

  constructor(
    readonly account: AccountConfig,
    readonly region: string,
    private readonly s: RefreshScheduler,
    readonly send: SendFn,
    private readonly sendUrgent: SendFn,
  ) {
    for (const e of s.deps.inventory.entriesOf(account.name, region).sort((a, b) => a.hydratedAt - b.hydratedAt)) this.noteRead(e.name, e.hydratedAt);
  }

  private get clock() {
    return this.s.deps.clock;
  }

  get listMs() {
    return this.mode === 'feed' ? this.s.policy.feedListMs : this.s.policy.pollListMs;
  }
  get allVersionsMs() {
    return this.mode === 'feed' ? this.s.policy.feedAllVersionsListMs : this.s.policy.allVersionsListMs;
  }
  get detailMs() {
    return this.mode === 'feed' ? this.s.policy.feedDetailMs : this.s.policy.pollDetailMs;
  }

  setMode(mode: Mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.s.deps.logger.info({ account: this.account.name, region: this.region, mode }, mode === 'feed' ? 'lambda inventory: change feed healthy; polling slowed' : 'lambda inventory: change feed silent; polling');
    this.interrupt();
  }

  interrupt() {
    const w = this.wake;
    this.wake = new AbortController();
    w.abort();
  }

  noteRead(name: string, at: number) {
    this.readAt.set(name, at);
    this.sweep.push({ name, at });
  }

  forget(name: string) {
    this.readAt.delete(name);
  }

  request(name: string, reason: RefreshReason): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      const running = this.inFlight.get(name);
      if (running && reason !== 'event') {
        // A listing found it changed while it is being read: that read will see the change.
        running.waiters.push(waiter);
        return;
      }
      const queued = this.pending.get(name);
      if (queued) {
        queued.waiters.push(waiter);
        if (reason === 'event' && queued.reason !== 'event') {
          // Promote: an event outranks the listing's queue.
          const at = this.normal.indexOf(queued);
          if (at >= 0) this.normal.splice(at, 1);
          queued.reason = 'event';
          this.high.push(queued);
        }
        return;
      }
      const p: Pending = { name, reason, waiters: [waiter] };
      this.pending.set(name, p);
      (reason === 'event' ? this.high : this.normal).push(p);
      const w = this.workWake;
      this.workWake = new AbortController();
      w.abort();
    });
  }

  private next(): Pending | undefined {
    const p = this.high.shift() ?? this.normal.shift();
    if (p) this.pending.delete(p.name);
    return p;
  }

  async read(name: string, reason: RefreshReason): Promise<void> {
    const inv = this.s.deps.inventory;
    this.status.reads[reason]++;
    const fn = await inv.refreshFunction(this.account, this.region, name, { send: reason === 'event' ? this.sendUrgent : this.send });
    if (fn) this.noteRead(name, inv.cachedAt(this.account.name, this.region, name) ?? this.clock.now());
    else this.forget(name);
  }

  /** Reads queued functions, high priority first; a function changed while being read is read again after. */
  async worker(signal: AbortSignal) {
    while (!signal.aborted) {
      const p = this.next();
      if (!p) {
        await sleepUntil(this.clock, 3_600_000, signal, this.workWake.signal);
        continue;
      }
      const running = this.inFlight.get(p.name);
      if (running) {
        // Already being read; queue it again behind so the change is seen.
        await new Promise<void>((r) => running.waiters.push({ resolve: r, reject: () => r() }));
      }
      this.inFlight.set(p.name, p);
      try {
        await this.read(p.name, p.reason);
        for (const w of p.waiters) w.resolve();
      } catch (err) {
        if (signal.aborted) {
          for (const w of p.waiters) w.reject(err);
          break;
        }
        this.status.failedReads++;
        this.s.deps.logger.warn({ err, function: p.name, account: this.account.name, region: this.region }, 'could not read Lambda function details; keeping the previous entry');
        for (const w of p.waiters) w.reject(err);
      } finally {
        this.inFlight.delete(p.name);
      }
    }
  }

  /** Lists the region each `listMs`; new and changed functions are queued. */
  async lister(signal: AbortSignal) {
    while (!signal.aborted) {
      const started = this.clock.now();
      try {
        await this.list();
      } catch (err) {
        if (signal.aborted) break;
        this.status.lastListError = (err as Error).message;
        this.s.deps.logger.warn({ err, account: this.account.name, region: this.region }, 'lambda inventory: listing failed; keeping the previous functions of this region');
      }
      // Sleep until the next listing; a mode change re-evaluates the interval at once.
      for (;;) {
        const due = started + this.listMs;
        if (signal.aborted || this.clock.now() >= due) break;
        await sleepUntil(this.clock, due - this.clock.now(), signal, this.wake.signal);
      }
    }
  }

  async list() {
    const inv = this.s.deps.inventory;
    const client = this.s.deps.aws.client(LambdaClient, this.account, this.region);
    const now = this.clock.now();
    let allVersions = now - this.lastAllVersionsAt >= this.allVersionsMs;
    // The cheap signal: AccountUsage.TotalCodeSize counts $LATEST and every published version. When it moved by more
    // than the $LATEST sizes in the listing and the versions already seen by reads since (events, the sweep) did, a
    // version was published or deleted unseen: list every version this pass.
    let usage: { size: number } | undefined;
    try {
      const got = await this.send<GetAccountSettingsCommandOutput>(client, new GetAccountSettingsCommand({}));
      if (got.AccountUsage?.TotalCodeSize !== undefined) usage = { size: got.AccountUsage.TotalCodeSize };
    } catch (err) {
      this.s.deps.logger.debug({ err, account: this.account.name, region: this.region }, 'GetAccountSettings failed; versions are listed on schedule only');
    }
    let listed = await inv.listFunctions(client, this.send, { allVersions });
    let latestSize = listed.reduce((n, f) => n + (!f.Version || f.Version === '$LATEST' ? (f.CodeSize ?? 0) : 0), 0);
    if (!allVersions && usage && this.lastUsage) {
      const movedUsage = usage.size - this.lastUsage.size;
      const movedLatest = latestSize - this.lastUsage.latestSize;
      const movedKnown = inv.publishedCodeSize(this.account.name, this.region) - this.lastUsage.knownPublished;
      if (movedUsage !== movedLatest + movedKnown) {
        allVersions = true;
        this.status.signalTriggeredListings++;
        listed = await inv.listFunctions(client, this.send, { allVersions: true });
        latestSize = listed.reduce((n, f) => n + (!f.Version || f.Version === '$LATEST' ? (f.CodeSize ?? 0) : 0), 0);
      }
    }
    if (allVersions) {
      this.lastAllVersionsAt = now;
      this.status.allVersionsListings++;
    }
    const before = new Set(inv.entriesOf(this.account.name, this.region).map((e) => e.name));
    const { stale } = inv.compareListing(this.account.name, this.region, listed, { detailRefreshMs: Infinity });
    for (const name of before) if (!inv.get(this.account.name, this.region, name)) this.forget(name);
    if (allVersions) inv.notePublishedSizes(this.account.name, this.region, listed);
    if (usage) this.lastUsage = { size: usage.size, latestSize, knownPublished: inv.publishedCodeSize(this.account.name, this.region) };
    this.status.listed = listed.filter((f) => !f.Version || f.Version === '$LATEST').length;
    this.status.lastListAt = new Date(this.clock.now()).toISOString();
    delete this.status.lastListError;
    for (const name of stale) void this.request(name, before.has(name) ? 'changed' : 'new').catch(() => {});
  }

  /** The oldest read still current, skipping records superseded by a later read or an eviction. */
  private stalest(): { name: string; at: number } | undefined {
    while (this.sweepHead < this.sweep.length) {
      const r = this.sweep[this.sweepHead]!;
      if (this.readAt.get(r.name) === r.at) return r;
      this.sweepHead++;
      if (this.sweepHead > 1024 && this.sweepHead * 2 > this.sweep.length) {
        this.sweep = this.sweep.slice(this.sweepHead);
        this.sweepHead = 0;
      }
    }
    return undefined;
  }

  /**
   * Re-reads one function every `window / functions`, the one read longest ago: each function comes due once per
   * window, spread evenly, whatever happened before (a cold start, a restart, a mode change). A random phase on the
   * first step keeps regions and replicas from stepping in lockstep.
   */
  async sweeper(signal: AbortSignal) {
    await this.clock.sleep(this.s.random() * Math.min(this.detailMs, 60_000), signal);
    while (!signal.aborted) {
      const n = this.readAt.size;
      const step = n ? this.detailMs / n : this.detailMs;
      const started = this.clock.now();
      const r = n ? this.stalest() : undefined;
      if (r && started - r.at >= step / 2 && !this.pending.has(r.name) && !this.inFlight.has(r.name)) {
        try {
          await this.read(r.name, 'periodic');
        } catch (err) {
          this.status.failedReads++;
          // Move it to the back of the sweep so one broken function does not stall the rest; its entry stays as it was.
          this.noteRead(r.name, this.clock.now());
          this.s.deps.logger.warn({ err, function: r.name, account: this.account.name, region: this.region }, 'could not re-read Lambda function details; keeping the previous entry');
        }
      }
      for (;;) {
        // Re-evaluated at least every minute: the step shrinks as a cold start adds functions.
        const due = started + (this.readAt.size ? this.detailMs / this.readAt.size : this.detailMs);
        if (signal.aborted || this.clock.now() >= due) break;
        await sleepUntil(this.clock, Math.min(due - this.clock.now(), 60_000), signal, this.wake.signal);
      }
    }
  }

  snapshot(): LaneStatus {
    const r = this.stalest();
    const n = this.readAt.size;
    return {
      mode: this.mode,
      functions: n,
      ...this.status,
      reads: { ...this.status.reads },
      queued: this.high.length + this.normal.length,
      stalestSeconds: r ? Math.round((this.clock.now() - r.at) / 1000) : 0,
      detailWindowSeconds: this.detailMs / 1000,
      neededCallsPerSecond: Number(((n * CALLS_PER_READ) / (this.detailMs / 1000) + ((this.status.listed ?? 0) / 50 + 1) / (this.listMs / 1000)).toFixed(3)),
    };
  }
}

export interface RefreshSchedulerDeps {
  inventory: FunctionInventory;
  aws: AwsClientFactory;
  logger: Logger;
  clock: Clock;
  /** The provider's sender (SDK call with throttling retries); the scheduler puts the account's budget in front of each attempt. */
  send: SendFn;
  random?: () => number;
}

/**
 * Keeps the inventory fresh without storms: per account a CallBudget, per account/region a Lane. The inventory
 * (FunctionInventory) only stores; this decides when to call AWS. A change feed switches a region to `feed` mode
 * (slow listing, hours-long detail window) while it is healthy and back to `polling` when it goes silent.
 */
export class RefreshScheduler {
  private readonly lanes = new Map<string, Lane>();
  private readonly budgets = new Map<string, CallBudget>();
  private abort?: AbortController;
  private running: Promise<unknown>[] = [];
  readonly random: () => number;

  constructor(
    readonly deps: RefreshSchedulerDeps,
    readonly policy: RefreshPolicy,
    lanes: { account: AccountConfig; region: string }[],
  ) {
    this.random = deps.random ?? Math.random;
    for (const { account, region } of lanes) {
      let budget = this.budgets.get(account.name);
      if (!budget) this.budgets.set(account.name, (budget = new CallBudget(policy.callsPerSecond, deps.clock)));
      const b = budget;
      const paced =
        (urgent: boolean): SendFn =>
        (client, command) =>
          deps.send(
            {
              send: async (c: unknown, o?: unknown) => {
                await b.take(urgent, this.abort?.signal);
                return (client as { send(c: unknown, o?: unknown): Promise<unknown> }).send(c, o);
              },
            },
            command,
          );
      this.lanes.set(`${account.name}/${region}`, new Lane(account, region, this, paced(false), paced(true)));
    }
  }

  private lane(account: string, region: string): Lane | undefined {
    return this.lanes.get(`${account}/${region}`);
  }

  has(account: string, region: string): boolean {
    return this.lanes.has(`${account}/${region}`);
  }

  budget(account: string): CallBudget | undefined {
    return this.budgets.get(account);
  }

  /** Queues a read of one function ahead of listing work; resolves when it is read (or found gone). */
  refresh(account: string, region: string, name: string, reason: RefreshReason = 'event'): Promise<void> {
    const lane = this.lane(account, region);
    if (!lane) return Promise.reject(new Error(`no inventory lane for ${account}/${region}`));
    return lane.request(name, reason);
  }

  /** Tells the scheduler that a region's change feed is (un)healthy. */
  setFeedHealthy(account: string, region: string, healthy: boolean): void {
    this.lane(account, region)?.setMode(healthy ? 'feed' : 'polling');
  }

  /** A write (or on-demand read) just re-read this function outside the scheduler: the sweep takes note. */
  noteRead(account: string, region: string, name: string, at: number, exists: boolean): void {
    const lane = this.lane(account, region);
    if (!lane) return;
    if (exists) lane.noteRead(name, at);
    else lane.forget(name);
  }

  /** Runs one listing of every region now (tests and `start`). */
  async listAll(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((l) => l.list().catch(() => {})));
  }

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    setMaxListeners(0, this.abort.signal); // every worker, lister and sweeper of every region waits on it
    for (const lane of this.lanes.values()) this.startLane(lane.account.name, lane.region);
  }

  /** Lanes whose lister, sweeper and workers run here (several replicas: the lanes this one holds the poller lease of). */
  private readonly laneRuns = new Map<string, { abort: AbortController; running: Promise<unknown>[] }>();

  /** Starts polling one account/region (idempotent). `start` starts every lane. */
  startLane(account: string, region: string): void {
    const k = `${account}/${region}`;
    const lane = this.lanes.get(k);
    if (!lane || this.laneRuns.has(k)) return;
    this.abort ??= new AbortController();
    setMaxListeners(0, this.abort.signal);
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    const signal = AbortSignal.any([this.abort.signal, abort.signal]);
    setMaxListeners(0, signal);
    const running = [lane.lister(signal), lane.sweeper(signal)];
    for (let i = 0; i < this.policy.concurrency; i++) running.push(lane.worker(signal));
    this.laneRuns.set(k, { abort, running });
    this.running.push(...running);
  }

  /** Stops polling one account/region (another replica took it over, or this one lost its lease). */
  async stopLane(account: string, region: string): Promise<void> {
    const k = `${account}/${region}`;
    const run = this.laneRuns.get(k);
    if (!run) return;
    this.laneRuns.delete(k);
    run.abort.abort();
    await Promise.allSettled(run.running);
  }

  /** Whether this process polls the account/region now. */
  polling(account: string, region: string): boolean {
    return this.laneRuns.has(`${account}/${region}`);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await Promise.allSettled(this.running);
    this.running = [];
    this.laneRuns.clear();
    this.abort = undefined;
  }

  status(): Record<string, LaneStatus & { callsPerSecondBudget: number; budgetBacklogSeconds: number; inventoryCalls: number }> {
    const out: Record<string, LaneStatus & { callsPerSecondBudget: number; budgetBacklogSeconds: number; inventoryCalls: number }> = {};
    for (const [k, lane] of this.lanes) {
      const b = this.budgets.get(lane.account.name)!;
      out[k] = { ...lane.snapshot(), callsPerSecondBudget: b.callsPerSecond, budgetBacklogSeconds: Math.round(b.backlogMs() / 1000), inventoryCalls: b.calls };
    }
    return out;
  }
}
