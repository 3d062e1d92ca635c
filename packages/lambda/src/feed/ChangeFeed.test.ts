import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { composeLambda, type LambdaHarness } from '../__fixtures__/composeLambda.js';
import { cloudTrailEvent } from '../__fixtures__/cloudTrailEvent.js';
import { FakeSqs } from '../__fixtures__/FakeSqs.js';
import { createManualClock, type ManualClock } from '../inventory/clock.js';

let h: LambdaHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const heartbeat = (region = 'us-east-1') =>
  JSON.stringify({ version: '0', id: 'hb', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-01-01T00:00:00Z', region, resources: [], detail: {} });

/** The provider with a change feed on a fake queue (with a DLQ, maxReceiveCount 3), on a manual clock. */
async function withFeed(clock: ManualClock, functions = 20) {
  const sqs = new FakeSqs({ clock });
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'outrigger-lambda-changes-dlq' }) as never)) as { QueueUrl: string };
  const dlqArn = sqs.queue(dlq.QueueUrl).arn;
  const q = (await sqs.send(
    new CreateQueueCommand({ QueueName: 'outrigger-lambda-changes', Attributes: { VisibilityTimeout: '60', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } }) as never,
  )) as { QueueUrl: string };
  sqs.calls.clear();
  h = await composeLambda({
    clock,
    sqs,
    random: () => 0.5,
    startInventory: true,
    lambdaConfig: {
      inventory: {
        enabled: true,
        intervalSeconds: 30,
        detailRefreshSeconds: 600,
        callsPerSecond: 20,
        changeFeed: { queues: [{ account: 'prod', region: 'us-east-1', queueUrl: q.QueueUrl }], silenceSeconds: 900, listIntervalSeconds: 900, detailRefreshSeconds: 21600 },
      },
    },
    seed: (l) => {
      for (let i = 0; i < functions; i++) l.seed(`shop-fn${i}`);
    },
  });
  // Cold start: everything listed and read (paced by the budget), then the first heartbeat makes the feed healthy.
  await clock.advance(20_000);
  sqs.deliver(q.QueueUrl, heartbeat());
  await clock.advance(1_000);
  return { sqs, queueUrl: q.QueueUrl, dlqUrl: dlq.QueueUrl, h: h! };
}

const lane = (x: LambdaHarness) => x.provider.inventoryService.health()['prod/us-east-1'] as Record<string, any>;

describe('the Lambda change feed', () => {
  it('re-reads only the function an event names, and deletes the message', async () => {
    const clock = createManualClock();
    const { sqs, queueUrl, h } = await withFeed(clock);
    expect(h.inventory.size).toBe(20);
    expect(lane(h).mode).toBe('feed');
    h.lambda.functions.get('shop-fn7')!.config.MemorySize = 2048;
    h.lambda.resetCalls();
    sqs.deliver(queueUrl, JSON.stringify(cloudTrailEvent('UpdateFunctionConfiguration20150331v2', { functionName: 'shop-fn7', memorySize: 2048 }, { time: new Date(clock.now()).toISOString() })));
    await clock.advance(2_000);
    expect(new Set(h.lambda.log.map((c) => c.target))).toEqual(new Set(['shop-fn7']));
    expect(h.lambda.log.map((c) => c.command).sort()).toEqual(['GetFunction', 'GetPolicy', 'ListAliases', 'ListEventSourceMappings', 'ListVersionsByFunction']);
    expect(h.inventory.get('prod', 'us-east-1', 'shop-fn7')).toMatchObject({ memorySize: 2048 });
    expect(sqs.queue(queueUrl).messages).toHaveLength(0);
    expect(lane(h).changeFeed.messages).toMatchObject({ change: 1, heartbeat: 1, failed: 0 });
    expect(lane(h).reads.event).toBe(1);
  });

  it('counts and drops malformed, foreign and irrelevant messages without stopping', async () => {
    const clock = createManualClock();
    const { sqs, queueUrl, h } = await withFeed(clock);
    h.lambda.resetCalls();
    const now = new Date(clock.now()).toISOString();
    for (const body of [
      '{not json',
      JSON.stringify({ source: 'aws.s3', 'detail-type': 'Object Created', detail: { bucket: { name: 'b' } } }),
      JSON.stringify(cloudTrailEvent('UpdateFunctionCode20150331v2', { functionName: 'shop-fn1' }, { accountId: '999999999999', time: now })),
      JSON.stringify(cloudTrailEvent('UpdateFunctionCode20150331v2', { functionName: 'shop-fn1' }, { region: 'eu-west-1', time: now })),
      JSON.stringify(cloudTrailEvent('UpdateFunctionCode20150331v2', { functionName: 'shop-fn1' }, { errorCode: 'AccessDeniedException', time: now })),
      JSON.stringify(cloudTrailEvent('PublishLayerVersion20181031', { layerName: 'deps' }, { time: now })),
      JSON.stringify(cloudTrailEvent('CreateAlias20150331', { functionName: '!!' }, { time: now })),
    ])
      sqs.deliver(queueUrl, body);
    await clock.advance(2_000);
    expect(lane(h).changeFeed.messages).toMatchObject({ malformed: 2, foreign: 3, ignored: 2, change: 0, failed: 0 });
    expect(h.lambda.totalCalls).toBe(0);
    expect(sqs.queue(queueUrl).messages).toHaveLength(0);
    // Still consuming: the next good event is handled.
    sqs.deliver(queueUrl, JSON.stringify(cloudTrailEvent('PublishVersion20150331', { functionName: 'shop-fn3' }, { time: new Date(clock.now()).toISOString() })));
    await clock.advance(2_000);
    expect(lane(h).changeFeed.messages.change).toBe(1);
    expect(new Set(h.lambda.log.map((c) => c.target))).toEqual(new Set(['shop-fn3']));
  });

  it('leaves a poison message to the queue: redelivered after the visibility timeout, then moved to the DLQ', async () => {
    const clock = createManualClock();
    const { sqs, queueUrl, dlqUrl, h } = await withFeed(clock);
    const denied = Object.assign(new Error('not authorized to perform lambda:GetFunction'), { name: 'AccessDeniedException' });
    h.lambda.failWith = (cmd, input) => (cmd === 'GetFunction' && input.FunctionName === 'shop-fn4' ? denied : undefined);
    h.lambda.resetCalls();
    const body = JSON.stringify(cloudTrailEvent('UpdateFunctionCode20150331v2', { functionName: 'shop-fn4' }, { time: new Date(clock.now()).toISOString() }));
    sqs.deliver(queueUrl, body);
    await clock.advance(10_000);
    // Tried once, still on the queue (in flight), not retried in a loop.
    expect(h.lambda.calls.get('GetFunction')).toBe(1);
    expect(sqs.queue(queueUrl).messages).toHaveLength(1);
    await clock.advance(5 * 60_000);
    // Three receives (maxReceiveCount), one read each, one visibility timeout apart; then SQS moved it to the DLQ.
    expect(h.lambda.calls.get('GetFunction')).toBe(3);
    expect(sqs.queue(queueUrl).messages).toHaveLength(0);
    expect(sqs.queue(dlqUrl).messages.map((m) => m.body)).toEqual([body]);
    expect(lane(h).changeFeed.messages.failed).toBe(3);
    expect(h.inventory.get('prod', 'us-east-1', 'shop-fn4')).toBeDefined(); // previous entry kept
  });

  it('falls back to polling when the feed goes silent, says so in /health and /metrics, and returns when it speaks', async () => {
    const clock = createManualClock();
    const { sqs, queueUrl, h } = await withFeed(clock);
    h.lambda.resetCalls();
    await clock.advance(300_000);
    expect(h.lambda.calls.get('ListFunctions') ?? 0).toBe(0); // healthy: listing every 900 s
    await clock.advance(700_000); // 1,001 s of silence > silenceSeconds 900
    const health = await h.get('/health');
    const region = health.body.components.lambda.details.inventory['prod/us-east-1'];
    expect(region).toMatchObject({ mode: 'polling', detailWindowSeconds: 600, changeFeed: { status: 'DOWN', healthy: false } });
    expect(region.modeReason).toMatch(/silent since .*; polling/);
    let metrics = (await (await fetch(`${h.url}/metrics`)).text()).split('\n');
    expect(metrics).toContain('outrigger_lambda_inventory_mode{account="prod",region="us-east-1",mode="polling"} 1');
    expect(metrics).toContain('outrigger_lambda_change_feed_healthy{account="prod",region="us-east-1"} 0');
    h.lambda.resetCalls();
    await clock.advance(300_000);
    const polled = h.lambda.log.filter((c) => c.command === 'ListFunctions').length;
    expect(polled).toBeGreaterThanOrEqual(9); // every 30 s again
    sqs.deliver(queueUrl, heartbeat());
    await clock.advance(25_000);
    expect(lane(h)).toMatchObject({ mode: 'feed', detailWindowSeconds: 21600, changeFeed: { healthy: true } });
    metrics = (await (await fetch(`${h.url}/metrics`)).text()).split('\n');
    expect(metrics).toContain('outrigger_lambda_inventory_mode{account="prod",region="us-east-1",mode="feed"} 1');
    expect(metrics).toContain('outrigger_lambda_change_feed_healthy{account="prod",region="us-east-1"} 1');
    h.lambda.resetCalls();
    await clock.advance(300_000);
    expect(h.lambda.log.filter((c) => c.command === 'ListFunctions')).toHaveLength(0);
  });
});
