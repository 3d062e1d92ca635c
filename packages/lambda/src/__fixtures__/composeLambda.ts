import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { composeApp, ConfigSchema, createLogger, type AwsClientFactory } from '@outrigger/runtime';
import { makeLambdaProvider } from '../createLambdaProvider.js';
import type { LambdaProvider } from '../createLambdaProvider.js';
import type { Clock } from '../inventory/clock.js';
import type { FunctionInventory } from '../inventory/FunctionInventory.js';
import { FakeCloudWatch } from './FakeCloudWatch.js';
import { FakeElbv2, FakeLambda } from './FakeLambda.js';
import type { VirtualClock } from './VirtualClock.js';
import { FakeSqs } from './FakeSqs.js';

export interface LambdaHarness {
  url: string;
  lambda: FakeLambda;
  elb: FakeElbv2;
  cloudwatch: FakeCloudWatch;
  sqs: FakeSqs;
  inventory: FunctionInventory;
  provider: LambdaProvider;
  /** POSTs JSON and returns status and body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  /** Polls `GET /task/{id}` until completed, as Orca does. */
  waitForTask(id: string): Promise<any>;
  close(): Promise<void>;
}

/**
 * The Lambda provider alone in `composeApp` (what `outrigger serve` runs), with a stateful FakeLambda/FakeElbv2 behind
 * the AWS client factory, listening on 127.0.0.1.
 */
export async function composeLambda(options: {
  artifacts?: { allowedHosts: string[] };
  /** The rollout engine's clock (`sleep`/`now`); the inventory keeps `clock`. */
  virtualClock?: VirtualClock;
  storage?: Record<string, unknown>;
  dataDir?: string;
  lambda?: FakeLambda;
  cloudwatch?: FakeCloudWatch;
  throttleRate?: number;
  lambdaConfig?: Record<string, unknown>;
  accounts?: unknown[];
  fetchBytes?: (url: string) => Promise<Buffer>;
  clouddriverUrl?: string;
  seed?: (lambda: FakeLambda) => void;
  startInventory?: boolean;
  clock?: Clock;
  sqs?: FakeSqs;
  random?: () => number;
} = {}): Promise<LambdaHarness> {
  const config = ConfigSchema.parse({
    storage: options.storage ?? { type: 'memory' },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    logging: { level: 'silent' },
    aws: {
      accounts: options.accounts ?? [
        { name: 'prod', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true },
        { name: 'legacy', accountId: '210987654321', regions: ['us-east-1'], lambdaEnabled: false },
      ],
    },
    lambda: { inventory: { enabled: options.startInventory ?? false, intervalSeconds: 3600 }, ...(options.lambdaConfig ?? {}) },
    ...(options.clouddriverUrl ? { clouddriver: { baseUrl: options.clouddriverUrl } } : {}),
    ...(options.artifacts ? { artifacts: options.artifacts } : {}),
  });
  const lambda = options.lambda ?? new FakeLambda({ throttleRate: options.throttleRate ?? 0 });
  const cloudwatch = options.cloudwatch ?? new FakeCloudWatch();
  if (options.virtualClock) lambda.now = options.virtualClock.now;
  options.seed?.(lambda);
  const sqs = options.sqs ?? new FakeSqs(options.clock ? { clock: options.clock } : {});
  const elb = new FakeElbv2({ throttleRate: options.throttleRate ?? 0, names: ['web-tg', 'api-tg'] });
  const aws: AwsClientFactory = {
    client<C>(cls: unknown): C {
      if (cls === LambdaClient) return lambda as never;
      if (cls === ElasticLoadBalancingV2Client) return elb as never;
      if (cls === CloudWatchClient) return cloudwatch as never;
      if (cls === SQSClient) return sqs as never;
      throw new Error(`no fake for ${(cls as { name: string }).name}`);
    },
  };
  let inventory: FunctionInventory | undefined;
  let provider: LambdaProvider | undefined;
  const composed = await composeApp({
    config,
    configSource: 'test',
    logger: createLogger({ level: 'silent' }),
    aws,
    validateResponses: true,
    providers: [
      (deps) => (provider = makeLambdaProvider({
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
        ...(options.virtualClock ? { sleep: options.virtualClock.sleep, now: options.virtualClock.now } : { sleep: async () => {} }),
        onInventory: (i) => (inventory = i),
        ...(options.fetchBytes ? { fetchBytes: options.fetchBytes } : {}),
      })(deps)),
    ],
  });
  const server: Server = composed.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await composed.start({ baseUrl: url });
  const parse = async (res: Response) => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const h: LambdaHarness = {
    url,
    lambda,
    elb,
    cloudwatch,
    sqs,
    inventory: inventory!,
    provider: provider!,
    post: async (path, body, headers = {}) =>
      parse(await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })),
    get: async (path) => parse(await fetch(url + path)),
    async waitForTask(id) {
      for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
        const { body } = await h.get(`/task/${id}`);
        if (body.status.completed) return body;
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error(`task ${id} did not complete`);
    },
    async close() {
      await composed.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return h;
}
