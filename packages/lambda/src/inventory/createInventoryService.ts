import { SQSClient } from '@aws-sdk/client-sqs';
import { Counter, Gauge } from 'prom-client';
import type { LambdaFunction } from '@outrigger/contract';
import { ConfigError, type AccountConfig, type ProviderDeps } from '@outrigger/runtime';
import type { LambdaConfig } from '../config.js';
import { ChangeFeed, type FeedOutcome } from '../feed/ChangeFeed.js';
import type { Clock } from './clock.js';
import type { FunctionInventory, SendFn } from './FunctionInventory.js';
import { PollerLeases, type PostgresInventorySnapshot } from './PollerLeases.js';
import { RefreshScheduler } from './RefreshScheduler.js';

export interface InventoryService {
  scheduler: RefreshScheduler;
  feeds: ChangeFeed[];
  /** Re-reads one function now, outside the budget (writes and `POST /cache/aws/function`: a person is waiting). */
  refreshNow(account: AccountConfig, region: string, name: string): Promise<LambdaFunction | undefined>;
  health(): Record<string, unknown>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wires the inventory's background work: the RefreshScheduler (listing, event/new/changed reads, the even sweep, the
 * per-account call budget) and one ChangeFeed per configured queue, plus their /health details and /metrics. The
 * FunctionInventory only stores; a shared store (PostgreSQL) or a single-poller lease can wrap `start` without
 * touching either part.
 */
export function createInventoryService(deps: {
  provider: ProviderDeps;
  config: LambdaConfig;
  inventory: FunctionInventory;
  send: SendFn;
  clock: Clock;
  random?: () => number;
  lanes: { account: AccountConfig; region: string }[];
  /** Several replicas (PostgreSQL): the shared snapshot; one replica per account/region polls, the others load it. */
  snapshot?: PostgresInventorySnapshot;
}): InventoryService {
  const { provider, config, inventory, clock } = deps;
  const inv = config.inventory;
  const feedCfg = inv.changeFeed;
  const scheduler = new RefreshScheduler(
    { inventory, aws: provider.aws, logger: provider.logger, clock, send: deps.send, ...(deps.random ? { random: deps.random } : {}) },
    {
      pollListMs: inv.intervalSeconds * 1000,
      pollDetailMs: inv.detailRefreshSeconds * 1000,
      feedListMs: feedCfg.listIntervalSeconds * 1000,
      feedDetailMs: feedCfg.detailRefreshSeconds * 1000,
      allVersionsListMs: inv.allVersionsListSeconds * 1000,
      feedAllVersionsListMs: feedCfg.allVersionsListSeconds * 1000,
      callsPerSecond: inv.callsPerSecond,
      concurrency: inv.concurrency,
    },
    deps.lanes,
  );

  const outcomes = new Counter({
    name: 'outrigger_lambda_change_feed_messages_total',
    help: 'Change feed messages by outcome (change, heartbeat, fresh, ignored, foreign, malformed, failed)',
    labelNames: ['account', 'region', 'outcome'] as const,
    registers: [provider.metrics.registry],
  });

  const feeds = feedCfg.queues.map((q, i) => {
    const lane = deps.lanes.find((l) => l.account.name === q.account && l.region === q.region);
    if (!lane) {
      throw new ConfigError(
        `${provider.configSource}: lambda.inventory.changeFeed.queues[${i}]: ${q.account}/${q.region} is not a region of a lambdaEnabled account (${deps.lanes.map((l) => `${l.account.name}/${l.region}`).join(', ') || 'none'})`,
      );
    }
    const feed = new ChangeFeed({
      queueUrl: q.queueUrl,
      account: lane.account,
      region: lane.region,
      sqs: provider.aws.client(SQSClient, lane.account, lane.region) as never,
      clock,
      logger: provider.logger,
      refresh: (name) => scheduler.refresh(lane.account.name, lane.region, name, 'event'),
      cachedAt: (name) => inventory.cachedAt(lane.account.name, lane.region, name),
      functionOfMapping: (uuid) => inventory.functionOfMapping(lane.account.name, lane.region, uuid),
      onHealth: (healthy) => scheduler.setFeedHealthy(lane.account.name, lane.region, healthy),
      silenceMs: feedCfg.silenceSeconds * 1000,
      waitTimeSeconds: feedCfg.waitTimeSeconds,
      take: () => scheduler.budget(lane.account.name)?.take(true) ?? Promise.resolve(),
      onOutcome: (outcome: FeedOutcome) => outcomes.inc({ account: lane.account.name, region: lane.region, outcome }),
    });
    return feed;
  });
  const feedOf = (account: string, region: string) => feeds.find((f) => f.deps.account.name === account && f.deps.region === region);

  const labels = (k: string) => {
    const [account, region] = k.split('/') as [string, string];
    return { account, region };
  };
  new Gauge({
    name: 'outrigger_lambda_inventory_mode',
    help: '1 for the refresh mode each account/region is in: feed (change feed healthy) or polling',
    labelNames: ['account', 'region', 'mode'] as const,
    registers: [provider.metrics.registry],
    collect() {
      for (const [k, s] of Object.entries(scheduler.status())) {
        this.set({ ...labels(k), mode: 'feed' }, s.mode === 'feed' ? 1 : 0);
        this.set({ ...labels(k), mode: 'polling' }, s.mode === 'polling' ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'outrigger_lambda_change_feed_healthy',
    help: '1 while a change feed receives messages or heartbeats, 0 when silent (its region then polls)',
    labelNames: ['account', 'region'] as const,
    registers: [provider.metrics.registry],
    collect() {
      for (const f of feeds) this.set({ account: f.deps.account.name, region: f.deps.region }, f.status().healthy ? 1 : 0);
    },
  });
  new Gauge({
    name: 'outrigger_lambda_inventory_stalest_seconds',
    help: 'Age of the oldest function details per account/region',
    labelNames: ['account', 'region'] as const,
    registers: [provider.metrics.registry],
    collect() {
      for (const [k, s] of Object.entries(scheduler.status())) this.set(labels(k), s.stalestSeconds);
    },
  });
  const callsSeen = new Map<string, number>();
  new Counter({
    name: 'outrigger_lambda_inventory_aws_calls_total',
    help: 'AWS calls the inventory made per account (all through the per-account budget)',
    labelNames: ['account'] as const,
    registers: [provider.metrics.registry],
    collect() {
      for (const l of new Map(deps.lanes.map((x) => [x.account.name, x])).values()) {
        const b = scheduler.budget(l.account.name);
        if (!b) continue;
        const seen = callsSeen.get(l.account.name) ?? 0;
        if (b.calls > seen) this.inc({ account: l.account.name }, b.calls - seen);
        callsSeen.set(l.account.name, b.calls);
      }
    },
  });
  const readsSeen = new Map<string, number>();
  new Counter({
    name: 'outrigger_lambda_inventory_reads_total',
    help: 'Function detail reads by reason: event (change feed), new, changed (listing), periodic (sweep)',
    labelNames: ['account', 'region', 'reason'] as const,
    registers: [provider.metrics.registry],
    collect() {
      for (const [k, s] of Object.entries(scheduler.status())) {
        for (const [reason, n] of Object.entries(s.reads)) {
          const id = `${k}/${reason}`;
          const seen = readsSeen.get(id) ?? 0;
          if (n > seen) this.inc({ ...labels(k), reason }, n - seen);
          readsSeen.set(id, n);
        }
      }
    },
  });

  let started = false;
  const postgres = provider.postgres;
  const leases =
    deps.snapshot && postgres
      ? new PollerLeases({
          db: postgres,
          snapshot: deps.snapshot,
          inventory,
          lanes: deps.lanes.map((l) => ({ account: l.account.name, region: l.region })),
          intervalMs: provider.heartbeatMs,
          logger: provider.logger,
          onAcquire: (l) => {
            scheduler.startLane(l.account, l.region);
            feedOf(l.account, l.region)?.start();
          },
          onRelease: async (l) => {
            await feedOf(l.account, l.region)?.stop();
            await scheduler.stopLane(l.account, l.region);
          },
        })
      : undefined;
  return {
    scheduler,
    feeds,
    async refreshNow(account, region, name) {
      const fn = await inventory.refreshFunction(account, region, name);
      scheduler.noteRead(account.name, region, name, inventory.cachedAt(account.name, region, name) ?? clock.now(), Boolean(fn));
      return fn;
    },
    health() {
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(scheduler.status())) {
        const { account, region } = labels(k);
        const feed = feedOf(account, region)?.status();
        out[k] = {
          ...s,
          ...(leases ? { poller: leases.polls(account, region) ? 'this replica' : 'another replica (serving the shared snapshot)' } : {}),
          modeReason: !feed
            ? 'no change feed configured for this region (lambda.inventory.changeFeed.queues)'
            : feed.healthy
              ? 'change feed healthy'
              : feed.lastMessageAt
                ? `change feed silent since ${feed.lastMessageAt}; polling`
                : started
                  ? 'change feed has not delivered a message or heartbeat yet; polling'
                  : 'inventory not started',
          ...(feed ? { changeFeed: { status: feed.healthy ? 'UP' : 'DOWN', ...feed } } : {}),
        };
      }
      return out;
    },
    async start() {
      if (!inv.enabled || started) return;
      started = true;
      if (leases) return leases.start();
      scheduler.start();
      for (const f of feeds) f.start();
    },
    async stop() {
      started = false;
      await leases?.stop();
      await Promise.all(feeds.map((f) => f.stop()));
      await scheduler.stop();
    },
  };
}
