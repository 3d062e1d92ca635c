import { createTestPostgres } from '@outrigger/runtime/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { composeLambda, type LambdaHarness } from '../__fixtures__/composeLambda.js';
import { FakeLambda } from '../__fixtures__/FakeLambda.js';

const pg = await createTestPostgres();
afterAll(() => pg?.drop());

const lane = 'prod/us-east-1';
const pollerOf = (h: LambdaHarness) => (h.provider.inventoryService.health()[lane] as { poller?: string }).poller;
const callsOf = (h: LambdaHarness) => h.provider.inventoryService.scheduler.status()[lane]!.inventoryCalls;
const names = async (h: LambdaHarness) => ((await h.get('/functions')).body as { functionName: string }[]).map((f) => f.functionName).sort();

describe.skipIf(!pg)('Lambda inventory on several replicas (PostgreSQL)', () => {
  it('one replica polls each account/region, the others serve the shared snapshot, and a new poller takes over', async () => {
    const lambda = new FakeLambda();
    for (const n of ['shop-a', 'shop-b', 'shop-c']) lambda.seed(n);
    const storage = { type: 'postgres', url: pg!.url, schema: pg!.schema, heartbeatSeconds: 0.2 };
    const replicas = [await composeLambda({ storage, lambda, startInventory: true }), await composeLambda({ storage, lambda, startInventory: true })];
    try {
      // Exactly one poller; both replicas answer /functions with every function.
      await vi.waitFor(async () => {
        for (const r of replicas) expect(await names(r)).toEqual(['shop-a', 'shop-b', 'shop-c']);
      }, { timeout: 15_000, interval: 100 });
      const pollers = replicas.filter((r) => pollerOf(r) === 'this replica');
      expect(pollers).toHaveLength(1);
      const [poller, follower] = pollers[0] === replicas[0] ? [replicas[0]!, replicas[1]!] : [replicas[1]!, replicas[0]!];
      expect(pollerOf(follower)).toMatch(/^another replica/);
      // The follower never called AWS for the inventory: what it serves came from the snapshot.
      expect(callsOf(follower)).toBe(0);
      expect(callsOf(poller)).toBeGreaterThan(0);

      // The poller goes away; the follower takes the lease over and polls from the snapshot it had.
      await poller.close();
      replicas.splice(replicas.indexOf(poller), 1);
      lambda.seed('shop-d');
      await vi.waitFor(() => expect(pollerOf(follower)).toBe('this replica'), { timeout: 15_000, interval: 100 });
      await vi.waitFor(async () => expect(await names(follower)).toEqual(['shop-a', 'shop-b', 'shop-c', 'shop-d']), { timeout: 15_000, interval: 100 });
      expect(callsOf(follower)).toBeGreaterThan(0);
    } finally {
      for (const r of replicas) await r.close();
    }
  });
});

describe.skipIf(!pg)('a follower replica and the shared snapshot', () => {
  it('loads a region only when the snapshot changed: once at start, again after a put or a delete, never for a pass with no change', async () => {
    const { createLogger } = await import('@outrigger/runtime');
    const { PollerLeases, PostgresInventorySnapshot } = await import('./PollerLeases.js');
    const logger = createLogger({ level: 'silent' });
    const db = pg!.open();
    // The poller's snapshot (another replica), and this replica's.
    const theirs = new PostgresInventorySnapshot(db, logger);
    const ours = new PostgresInventorySnapshot(db, logger);
    const lanes = [{ account: 'follow', region: 'us-east-1' }];
    // The other replica holds the lane's lease, so this one follows.
    const other = await db.pool.connect();
    await other.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`outrigger-lambda-poller:${db.schema}:follow:us-east-1`]);
    const served: string[][] = [];
    const inventory = { replaceRegion: (_a: string, _r: string, entries: { fn: { functionName: string } }[]) => void served.push(entries.map((e) => e.fn.functionName).sort()) };
    const entry = (name: string) => ({ fn: { functionName: name, account: 'follow', region: 'us-east-1' } as never, revisionId: `r-${name}`, hydratedAt: 1 });
    const key = (name: string) => `follow\u0000us-east-1\u0000${name}`;
    for (const n of ['f-1', 'f-2', 'f-3']) theirs.put(key(n), entry(n));
    await theirs.flush();
    const leases = new PollerLeases({ db, snapshot: ours, inventory: inventory as never, lanes, intervalMs: 60_000, logger, onAcquire: () => {}, onRelease: () => {} });
    try {
      await leases.pass();
      expect(leases.polls('follow', 'us-east-1')).toBe(false);
      expect(served).toEqual([['f-1', 'f-2', 'f-3']]);
      for (let i = 0; i < 5; i++) await leases.pass();
      expect(served).toHaveLength(1);
      expect(leases.followerLoads).toEqual({ loaded: 1, unchanged: 5 });

      theirs.put(key('f-2'), { ...entry('f-2'), revisionId: 'r-f-2-new' }); // an update: same count, higher seq
      await theirs.flush();
      await leases.pass();
      expect(served).toHaveLength(2);
      theirs.del(key('f-3')); // a delete: lower count
      await theirs.flush();
      await leases.pass();
      await leases.pass();
      expect(served.at(-1)).toEqual(['f-1', 'f-2']);
      theirs.del(key('f-1'));
      theirs.put(key('f-4'), entry('f-4')); // a delete and an insert: same count, higher seq
      await theirs.flush();
      await leases.pass();
      expect(served.at(-1)).toEqual(['f-2', 'f-4']);
      expect(leases.followerLoads).toEqual({ loaded: 4, unchanged: 6 });
    } finally {
      await leases.stop();
      other.release(true);
    }
  });
});
