// Wiring: Deck's Functions tab and its Lambda stage pickers read `/functions` and `/applications/{app}/functions`
// through GATE's clouddriver client, not Orca's: Gate's AmazonInfrastructureController.groovy (package
// com.netflix.spinnaker.gate.controllers.aws, the springdoc `@Operation` version in spinnaker/spinnaker) maps
// `GET /functions` :60-65 (functionName, region, account) and `GET /applications/{application}/functions` :68-71 to
// InfrastructureService.getFunctions / getApplicationFunctions, which call clouddriver (ClouddriverService). plugin-manifests/gate/gate-local.yml points Gate's `services.clouddriver.baseUrl` at
// outrigger, which answers its own Lambda accounts from its inventory and the rest from the real clouddriver.
// Two loopback stand-ins: a Gate-like caller (fetch with Gate's X-SPINNAKER-* headers) and a clouddriver.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { composeApp, ConfigSchema, createLogger } from '@outrigger/runtime';
import { createClouddriverPassthrough, makeLambdaProvider } from '@outrigger/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLambda } from '../../packages/lambda/src/__fixtures__/FakeLambda.js';

const seen: { url: string; user?: string }[] = [];
let clouddriver: http.Server;
let server: http.Server;
let composed: Awaited<ReturnType<typeof composeApp>>;
let url: string;

const cdFunction = (account: string, functionName: string) => ({ account, region: 'us-east-1', functionName, functionArn: `arn:aws:lambda:us-east-1:210987654321:function:${functionName}`, cloudProvider: 'aws', eventSourceMappings: [] });

beforeAll(async () => {
  clouddriver = http.createServer((req, res) => {
    seen.push({ url: req.url!, user: req.headers['x-spinnaker-user'] as string | undefined });
    res.setHeader('content-type', 'application/json');
    // clouddriver's answer also names outrigger's account (its own stale cache of it): outrigger must not serve it twice.
    res.end(JSON.stringify([cdFunction('legacy', 'shop-billing'), cdFunction('prod', 'shop-stale')]));
  });
  clouddriver.listen(0, '127.0.0.1');
  await new Promise<void>((r) => clouddriver.once('listening', () => r()));
  const cdUrl = `http://127.0.0.1:${(clouddriver.address() as AddressInfo).port}`;

  const lambda = new FakeLambda();
  lambda.seed('shop-orders');
  let inventory: any;
  composed = await composeApp({
    config: ConfigSchema.parse({
      storage: { type: 'memory' },
      logging: { level: 'silent' },
      clouddriver: { baseUrl: cdUrl },
      aws: { accounts: [{ name: 'prod', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true }] },
      lambda: { inventory: { enabled: false } },
    }),
    logger: createLogger({ level: 'silent' }),
    aws: { client: (cls: unknown) => (cls === LambdaClient ? lambda : { send: async () => ({}) }) } as never,
    providers: [makeLambdaProvider({ onInventory: (i) => (inventory = i) })],
    fallback: (deps) => createClouddriverPassthrough({ baseUrl: cdUrl, logger: deps.logger }),
  });
  server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl: url });
  await inventory.refreshFunction(composed.config.aws.accounts[0], 'us-east-1', 'shop-orders');
});

afterAll(async () => {
  await composed.close();
  server.close();
  clouddriver.close();
});

// Gate forwards the user (and, without Fiat, the accounts) on every clouddriver call.
const gate = (path: string) => fetch(`${url}${path}`, { headers: { 'x-spinnaker-user': 'kim', accept: 'application/json' } });

describe("Functions-tab reads through Gate's clouddriver client", () => {
  it('GET /applications/{app}/functions: outrigger\'s accounts from its inventory, clouddriver\'s for the rest', async () => {
    seen.length = 0;
    const res = await gate('/applications/shop/functions');
    expect(res.status).toBe(200);
    const body = (await res.json()) as any[];
    expect(body.map((f) => `${f.account}/${f.functionName}`).sort()).toEqual(['legacy/shop-billing', 'prod/shop-orders']);
    expect(seen).toEqual([{ url: '/applications/shop/functions', user: 'kim' }]);
  });

  it('GET /functions?account=<clouddriver account> goes to clouddriver alone; ?account=<outrigger account> never leaves outrigger', async () => {
    seen.length = 0;
    const other = (await (await gate('/functions?functionName=shop-billing&region=us-east-1&account=legacy')).json()) as any[];
    expect(other.map((f) => f.functionName)).toEqual(['shop-billing', 'shop-stale']); // clouddriver's answer, unchanged
    expect(seen.map((s) => s.url)).toEqual(['/functions?functionName=shop-billing&region=us-east-1&account=legacy']);
    seen.length = 0;
    const own = (await (await gate('/functions?functionName=shop-orders&region=us-east-1&account=prod')).json()) as any[];
    expect(own.map((f) => `${f.account}/${f.functionName}`)).toEqual(['prod/shop-orders']);
    expect(seen).toEqual([]);
  });

  it('GET /functions with no account merges both, without serving outrigger\'s account twice', async () => {
    const all = (await (await gate('/functions')).json()) as any[];
    expect(all.map((f) => `${f.account}/${f.functionName}`).sort()).toEqual(['legacy/shop-billing', 'prod/shop-orders']);
  });
});
