import { afterEach, describe, expect, it } from 'vitest';
import { ResourceConflictException } from '@aws-sdk/client-lambda';
import { createLogger, openSqlite } from '@outrigger/runtime';
import { composeLambda, type LambdaHarness } from '../__fixtures__/composeLambda.js';
import { FakeLambda } from '../__fixtures__/FakeLambda.js';
import { FunctionInventory } from './FunctionInventory.js';

const prod = { name: 'prod', accountId: '123456789012', regions: [{ name: 'us-east-1' }], lambdaEnabled: true } as never;

let h: LambdaHarness;
afterEach(async () => h?.close());

describe('FunctionInventory', () => {
  it('hydrates only new or changed functions, judged by RevisionId/LastModified', async () => {
    h = await composeLambda({ throttleRate: 0.3 });
    for (let i = 0; i < 120; i++) h.lambda.seed(`shop-fn${i}`);
    const first = await h.inventory.refreshRegion(prod, 'us-east-1');
    expect(first).toMatchObject({ listed: 120, hydrated: 120, failed: 0 });
    h.lambda.resetCalls();
    h.lambda.throttleRate = 0;
    const quiet = await h.inventory.refreshRegion(prod, 'us-east-1');
    expect(quiet).toMatchObject({ listed: 120, hydrated: 0 });
    expect(h.lambda.totalCalls).toBe(3); // three ListFunctions pages
    h.lambda.touch('shop-fn7');
    h.lambda.seed('shop-new');
    h.lambda.functions.delete('shop-fn9');
    h.lambda.resetCalls();
    const changed = await h.inventory.refreshRegion(prod, 'us-east-1');
    expect(changed).toMatchObject({ listed: 120, hydrated: 2, evicted: 1 });
    // 3 pages + 2 × (GetFunction, ListVersionsByFunction, ListAliases, ListEventSourceMappings, GetPolicy)
    expect(h.lambda.totalCalls).toBe(3 + 2 * 5);
  });

  it('keeps the previous entry when one function fails, and the region when listing fails', async () => {
    h = await composeLambda();
    for (let i = 0; i < 5; i++) h.lambda.seed(`shop-fn${i}`);
    await h.inventory.refreshRegion(prod, 'us-east-1');
    h.lambda.touch('shop-fn2');
    h.lambda.failWith = (cmd, input) =>
      cmd === 'GetFunction' && input.FunctionName === 'shop-fn2' ? new ResourceConflictException({ message: 'boom', $metadata: {} } as never) : undefined;
    const stats = await h.inventory.refreshRegion(prod, 'us-east-1');
    expect(stats).toMatchObject({ failed: 1 });
    expect(h.inventory.size).toBe(5);
    h.lambda.failWith = (cmd) => (cmd === 'ListFunctions' ? new Error('listing down') : undefined);
    await expect(h.inventory.refreshRegion(prod, 'us-east-1')).rejects.toThrow('listing down');
    expect(h.inventory.size).toBe(5);
  });
});

describe('function reads over HTTP', () => {
  it('serves /functions, /applications/{app}/functions (moniker tags win), runtimes, and on-demand refresh', async () => {
    h = await composeLambda();
    h.lambda.seed('shop-orders', {}, {});
    h.lambda.seed('other-thing', {}, { 'moniker.spinnaker.io/application': 'shop' });
    h.lambda.seed('shopping-list');
    await h.inventory.refreshRegion(prod, 'us-east-1');
    const app = await h.get('/applications/shop/functions');
    expect(app.status).toBe(200);
    expect(app.body.map((f: any) => f.functionName).sort()).toEqual(['other-thing', 'shop-orders']);
    const one = await h.get('/functions?account=prod&region=us-east-1&functionName=shop-orders');
    expect(one.body).toHaveLength(1);
    expect(one.body[0]).toMatchObject({ functionName: 'shop-orders', account: 'prod', region: 'us-east-1', cloudProvider: 'aws', revisions: expect.any(Object), aliasConfigurations: [], eventSourceMappings: [] });
    expect(one.body[0]).not.toHaveProperty('$metadata');
    expect((await h.get('/functions?region=us-east-1')).body).toHaveLength(3);

    h.lambda.seed('shop-fresh');
    const refresh = await h.post('/cache/aws/function', { credentials: 'prod', region: 'us-east-1', functionName: 'fresh', appName: 'shop' });
    expect(refresh.status).toBe(202);
    expect(refresh.body.cachedIdentifiersByType.onDemand).toEqual(['aws:lambdaFunctions:prod:us-east-1:shop-fresh']);
    expect((await h.get('/functions?account=prod&region=us-east-1&functionName=shop-fresh')).body).toHaveLength(1);
    const status = await h.get('/cache/aws/function?id=aws:lambdaFunctions:prod:us-east-1:shop-fresh');
    expect(status.body[0]).toMatchObject({ id: 'aws:lambdaFunctions:prod:us-east-1:shop-fresh', processedCount: 1, cacheTime: expect.any(Number) });
    h.lambda.functions.delete('shop-fresh');
    const gone = await h.post('/cache/aws/function', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-fresh' });
    expect(gone.status).toBe(200);
    expect((await h.get('/functions?account=prod&region=us-east-1&functionName=shop-fresh')).body).toHaveLength(0);

    const runtimes = await h.get('/functions/runtimes');
    expect(runtimes.status).toBe(200);
    const byName = new Map(runtimes.body.map((r: any) => [r.runtime, r]));
    expect(byName.get('nodejs22.x')).toMatchObject({ family: 'nodejs', deprecated: false });
    expect(byName.get('python2.7')).toMatchObject({ deprecated: true });
  });

  it('refreshes what a write touched immediately', async () => {
    h = await composeLambda();
    const res = await h.post('/aws/ops/createLambdaFunction', {
      credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'api', runtime: 'python3.13', handler: 'app.handler',
      role: 'arn:aws:iam::123456789012:role/x', s3bucket: 'bkt', s3key: 'k.zip',
    });
    await h.waitForTask(res.body.id);
    const app = await h.get('/applications/shop/functions');
    expect(app.body.map((f: any) => f.functionName)).toEqual(['shop-api']);
    expect(app.body[0].moniker).toMatchObject({ app: 'shop' });
    // Only create prefixes the application name (clouddriver CreateLambdaAtomicOperation); Orca sends the full name.
    const del = await h.post('/aws/ops/deleteLambdaFunction', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-api' });
    await h.waitForTask(del.body.id);
    expect((await h.get('/applications/shop/functions')).body).toEqual([]);
  });
});

describe('FunctionInventory in SQLite', () => {
  it('reloads its entries after a restart, so the first pass re-reads nothing unchanged', async () => {
    const lambda = new FakeLambda();
    for (let i = 0; i < 30; i++) lambda.seed(`shop-fn${i}`);
    const db = openSqlite(':memory:');
    const make = () =>
      new FunctionInventory({
        aws: { client: () => lambda as never },
        logger: createLogger({ level: 'silent' }),
        send: (client, command) => (client as FakeLambda).send(command as never) as never,
        concurrency: 4,
        detailRefreshMs: 600_000,
        database: db,
      });
    const first = make();
    await first.refreshRegion(prod, 'us-east-1');
    first.evict('prod', 'us-east-1', 'shop-fn0');
    const second = make();
    expect(second.size).toBe(29);
    expect(second.forApplication('shop', new Set(['prod']))).toHaveLength(29);
    lambda.resetCalls();
    const stats = await second.refreshRegion(prod, 'us-east-1');
    expect(stats).toMatchObject({ listed: 30, hydrated: 1 });
    expect(lambda.totalCalls).toBe(1 + 5);
    db.close();
  });
});

describe('the inventory loop', () => {
  it('lists every Lambda-enabled account/region on start and reports the pass in /health', async () => {
    h = await composeLambda({ startInventory: true, seed: (l) => ['shop-a', 'shop-b'].forEach((n) => l.seed(n)) });
    for (let i = 0; i < 1000 && h.inventory.size < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(h.inventory.size).toBe(2);
    const health = await h.get('/health');
    expect(health.body.components.lambda.details.inventory['prod/us-east-1']).toMatchObject({
      mode: 'polling',
      modeReason: expect.stringContaining('no change feed configured'),
      listed: 2,
      reads: { new: 2 },
      failedReads: 0,
      callsPerSecondBudget: 20,
    });
    expect(health.body.components.lambda.details.inventory).not.toHaveProperty('legacy/us-east-1');
  });
});
