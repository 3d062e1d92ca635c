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
