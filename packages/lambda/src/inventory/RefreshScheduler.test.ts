import { describe, expect, it } from 'vitest';
import { createLogger } from '@outrigger/runtime';
import { FakeLambda } from '../__fixtures__/FakeLambda.js';
import { sendWithRetry } from '../aws/sendWithRetry.js';
import { createManualClock } from './clock.js';
import { FunctionInventory, type SendFn } from './FunctionInventory.js';
import { RefreshScheduler, type RefreshPolicy } from './RefreshScheduler.js';

const prod = { name: 'prod', accountId: '123456789012', regions: [{ name: 'us-east-1' }], lambdaEnabled: true } as never;

/** A FakeLambda whose every call is stamped with the manual clock's time. */
function setup(functions: number, policy: Partial<RefreshPolicy> = {}) {
  const clock = createManualClock();
  const lambda = new FakeLambda();
  for (let i = 0; i < functions; i++) lambda.seed(`shop-fn${String(i).padStart(5, '0')}`);
  const at: { t: number; command: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { input: Record<string, unknown>; constructor: { name: string } }) => {
      at.push({ t: clock.now(), command: command.constructor.name.replace(/Command$/, ''), input: command.input });
      return lambda.send(command);
    },
  };
  const send: SendFn = (c, command) => sendWithRetry(c, command, { sleep: (ms) => clock.sleep(ms) });
  const inventory = new FunctionInventory({ aws: { client: () => client as never }, logger: createLogger({ level: 'silent' }), send, concurrency: 8, detailRefreshMs: 600_000, now: clock.now });
  const scheduler = new RefreshScheduler(
    { inventory, aws: { client: () => client as never }, logger: createLogger({ level: 'silent' }), clock, send, random: () => 0.25 },
    { pollListMs: 30_000, pollDetailMs: 600_000, feedListMs: 900_000, feedDetailMs: 21_600_000, allVersionsListMs: 3_600_000, feedAllVersionsListMs: 86_400_000, callsPerSecond: 20, concurrency: 8, ...policy },
    [{ account: prod, region: 'us-east-1' }],
  );
  /** Most calls in any one-second window [t, t+1000) within [from, to). */
  const peak = (from = -Infinity, to = Infinity) => {
    const ts = at.filter((c) => c.t >= from && c.t < to).map((c) => c.t);
    let best = 0;
    for (let i = 0, j = 0; i < ts.length; i++) {
      while (ts[i]! - ts[j]! >= 1000) j++;
      best = Math.max(best, i - j + 1);
    }
    return best;
  };
  return { clock, lambda, inventory, scheduler, at, peak };
}

describe('RefreshScheduler', () => {
  it('paces a cold start of 1,000 functions under the per-account budget', async () => {
    const s = setup(1000);
    s.scheduler.start();
    // 1,000 × 5 reads + listings at 20 calls/s ≈ 260 s.
    await s.clock.advance(400_000);
    expect(s.inventory.size).toBe(1000);
    expect(s.peak()).toBeLessThanOrEqual(20);
    expect(s.peak()).toBeGreaterThanOrEqual(19); // it does use the budget
    await s.scheduler.stop();
  });

  it('spreads periodic re-reads evenly over the window: no expiry storm', async () => {
    const s = setup(600);
    s.scheduler.start();
    await s.clock.advance(200_000); // cold start done (≈ 160 s)
    expect(s.inventory.size).toBe(600);
    const from = s.clock.now();
    await s.clock.advance(1_200_000); // two windows of 600 s
    const reads = s.at.filter((c) => c.t >= from && c.command === 'GetFunction');
    // One function per second (600 functions / 600 s): every 60 s bucket holds about 60 reads, none a storm.
    const buckets = new Map<number, number>();
    for (const r of reads) buckets.set(Math.floor((r.t - from) / 60_000), (buckets.get(Math.floor((r.t - from) / 60_000)) ?? 0) + 1);
    expect(buckets.size).toBe(20);
    for (const n of buckets.values()) expect(n).toBeGreaterThanOrEqual(55), expect(n).toBeLessThanOrEqual(65);
    // Each function read about twice in two windows.
    const perFn = new Map<string, number>();
    for (const r of reads) perFn.set(String(r.input.FunctionName), (perFn.get(String(r.input.FunctionName)) ?? 0) + 1);
    expect(perFn.size).toBe(600);
    expect(Math.max(...perFn.values())).toBeLessThanOrEqual(3);
    expect(s.peak(from)).toBeLessThanOrEqual(20);
    await s.scheduler.stop();
  });

  it('sees a published version within one listing, listing every version only when AccountUsage moved', async () => {
    const s = setup(120, { pollDetailMs: 86_400_000 });
    s.scheduler.start();
    await s.clock.advance(60_000);
    expect(s.inventory.size).toBe(120);
    const from = s.clock.now();
    await s.clock.advance(120_000); // four quiet listings
    const allListings = () => s.at.filter((c) => c.t >= from && c.command === 'ListFunctions' && c.input.FunctionVersion === 'ALL' && !c.input.Marker).length;
    expect(allListings()).toBe(0);
    // A version published outside outrigger: $LATEST's RevisionId does not change.
    const before = s.lambda.functions.get('shop-fn00042')!.config.RevisionId;
    await s.lambda.send({ input: { FunctionName: 'shop-fn00042' }, constructor: { name: 'PublishVersionCommand' } });
    expect(s.lambda.functions.get('shop-fn00042')!.config.RevisionId).toBe(before);
    await s.clock.advance(31_000);
    expect(allListings()).toBe(1);
    expect(Object.values(s.inventory.get('prod', 'us-east-1', 'shop-fn00042')!.revisions ?? {})).toContain('1');
    const reread = s.at.filter((c) => c.t >= from && c.command === 'GetFunction').map((c) => c.input.FunctionName);
    expect(reread).toEqual(['shop-fn00042']);
    // A $LATEST code change moves TotalCodeSize too, but by exactly what the $LATEST listing shows: no ALL listing.
    await s.lambda.send({ input: { FunctionName: 'shop-fn00007', S3Bucket: 'b', S3Key: 'k' }, constructor: { name: 'UpdateFunctionCodeCommand' } });
    await s.clock.advance(30_000);
    expect(allListings()).toBe(1);
    expect(s.at.filter((c) => c.t >= from && c.command === 'GetFunction').map((c) => c.input.FunctionName)).toContain('shop-fn00007');
    await s.scheduler.stop();
  });

  it('with the feed healthy, the hourly listing and the long deep pass still see changes whose events were lost', async () => {
    const s = setup(120, { feedListMs: 3_600_000, feedDetailMs: 604_800_000, feedAllVersionsListMs: 86_400_000 });
    s.scheduler.start();
    await s.clock.advance(60_000);
    expect(s.inventory.size).toBe(120);
    s.scheduler.setFeedHealthy('prod', 'us-east-1', true);
    await s.clock.advance(3_600_000); // settle into feed mode: the lister now sleeps an hour
    const reads = (from: number) => s.at.filter((c) => c.t >= from && c.command === 'GetFunction').map((c) => String(c.input.FunctionName));
    const allListings = (from: number) => s.at.filter((c) => c.t >= from && c.command === 'ListFunctions' && c.input.FunctionVersion === 'ALL' && !c.input.Marker).length;
    const call = (command: string, input: Record<string, unknown>) => s.lambda.send({ input, constructor: { name: `${command}Command` } });

    // No events reach the scheduler for any of these (as if CloudTrail dropped them).
    let from = s.clock.now();
    s.lambda.touch('shop-fn00010'); // a console edit of $LATEST: RevisionId and LastModified move
    await call('PublishVersion', { FunctionName: 'shop-fn00042' }); // $LATEST unchanged, TotalCodeSize moves
    await call('CreateAlias', { FunctionName: 'shop-fn00077', Name: 'live', FunctionVersion: '$LATEST' }); // no listing shows it
    const revision = s.lambda.functions.get('shop-fn00010')!.config.RevisionId;
    await s.clock.advance(3_600_000 + 1_000); // one feed listing interval
    expect(s.inventory.get('prod', 'us-east-1', 'shop-fn00010')!.revisionId).toBe(revision);
    expect(Object.values(s.inventory.get('prod', 'us-east-1', 'shop-fn00042')!.revisions ?? {})).toContain('1');
    expect(allListings(from)).toBe(1); // AccountUsage moved unexplained: one ALL listing
    expect(reads(from)).toEqual(expect.arrayContaining(['shop-fn00010', 'shop-fn00042']));
    // The deep pass is slow (one function every 604,800 / 120 s) but reaches every function within its window.
    expect(reads(from).length).toBeLessThanOrEqual(4);
    await s.clock.advance(604_800_000);
    expect(s.inventory.get('prod', 'us-east-1', 'shop-fn00077')!.aliasConfigurations?.map((a) => a.name)).toEqual(['live']);

    // A version published and reported by its event: the event read explains the AccountUsage move, no ALL listing.
    await s.clock.advance(3_600_000);
    from = s.clock.now();
    await call('PublishVersion', { FunctionName: 'shop-fn00050' });
    const read = s.scheduler.refresh('prod', 'us-east-1', 'shop-fn00050', 'event');
    await s.clock.advance(5_000);
    await read;
    await s.clock.advance(2 * 3_600_000);
    expect(allListings(from)).toBe(0);
    expect(Object.values(s.inventory.get('prod', 'us-east-1', 'shop-fn00050')!.revisions ?? {})).toContain('1');
    await s.scheduler.stop();
  });

  it('an event read goes ahead of a cold start backlog', async () => {
    const s = setup(1000);
    s.scheduler.start();
    await s.clock.advance(5_000);
    const t0 = s.clock.now();
    let doneAt = 0;
    void s.scheduler.refresh('prod', 'us-east-1', 'shop-fn00999', 'event').then(() => (doneAt = s.clock.now()));
    await s.clock.advance(10_000);
    expect(doneAt).toBeGreaterThan(0);
    expect(doneAt - t0).toBeLessThan(2_000); // a few budget slots, not the 250 s backlog
    await s.scheduler.stop();
  });
});
