import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { cloudTrailEvent } from '../__fixtures__/cloudTrailEvent.js';
import { FakeEventBridge } from '../__fixtures__/FakeEventBridge.js';
import { FakeSqs } from '../__fixtures__/FakeSqs.js';
import { parseChangeMessage } from './parseChangeMessage.js';
import { runLambdaFeedCommand } from './setupChangeFeed.js';

function run(argv: string[], sqs: FakeSqs, events: FakeEventBridge) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'feed-'));
  const file = path.join(dir, 'outrigger.yml');
  writeFileSync(file, 'aws:\n  accounts:\n    - name: prod\n      accountId: "123456789012"\n      regions: [us-east-1]\n      lambdaEnabled: true\n');
  let out = '';
  let err = '';
  const code = runLambdaFeedCommand([...argv, '--config', file], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    makeClient: <C>(cls: unknown) => (cls === SQSClient ? sqs : cls === EventBridgeClient ? events : undefined) as C,
  });
  return code.then((c) => ({ code: c, out, err }));
}

describe('outrigger lambda-feed setup', () => {
  it('creates the queue, DLQ, rules and targets, prints them, and the rule delivers real CloudTrail event names', async () => {
    const sqs = new FakeSqs();
    const events = new FakeEventBridge({ sqs });
    const r = await run(['setup', '--account', 'prod', '--region', 'us-east-1'], sqs, events);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const url = 'https://sqs.us-east-1.amazonaws.com/123456789012/outrigger-lambda-changes';
    expect(r.out).toContain(`queue      ${url}`);
    expect(r.out).toContain('rule       arn:aws:events:us-east-1:123456789012:rule/outrigger-lambda-changes ');
    expect(r.out).toContain('rule       arn:aws:events:us-east-1:123456789012:rule/outrigger-lambda-changes-heartbeat');
    expect(r.out).toContain(`queueUrl: ${url}`);
    const q = sqs.queue(url);
    expect(JSON.parse(q.attributes.RedrivePolicy!)).toEqual({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:outrigger-lambda-changes-dlq', maxReceiveCount: 5 });

    // What EventBridge would route: Lambda writes (with CloudTrail's suffixed names) reach the queue; reads do not.
    expect(events.route(cloudTrailEvent('UpdateFunctionCode20150331v2', { functionName: 'shop-a' }))).toBe(1);
    expect(events.route(cloudTrailEvent('UpdateAlias20150331', { functionName: 'shop-a', name: 'live' }))).toBe(1);
    expect(events.route(cloudTrailEvent('TagResource20170331v2', { resource: 'arn:aws:lambda:us-east-1:123456789012:function:shop-a' }))).toBe(1);
    expect(events.route(cloudTrailEvent('GetFunction20150331v2', { functionName: 'shop-a' }))).toBe(0);
    expect(events.tick('outrigger-lambda-changes-heartbeat', '2026-01-01T00:05:00Z')).toBe(1);
    expect(q.messages.map((m) => parseChangeMessage(m.body).kind)).toEqual(['change', 'change', 'change', 'heartbeat']);

    // Again: nothing breaks, nothing duplicated.
    const again = await run(['setup', '--account', 'prod', '--region', 'us-east-1', '--max-receive-count', '3'], sqs, events);
    expect(again.code).toBe(0);
    expect(again.out).toContain('existed, attributes updated');
    expect(JSON.parse(q.attributes.RedrivePolicy!).maxReceiveCount).toBe(3);
    expect(sqs.queues.size).toBe(2);
    expect(events.rules.get('outrigger-lambda-changes')!.targets.size).toBe(1);
  });

  it('names what is wrong with the arguments', async () => {
    const r = await run(['setup', '--region', 'us-east-1', '--max-receive-count', '0'], new FakeSqs(), new FakeEventBridge());
    expect(r.code).toBe(2);
    expect(r.err).toContain('--account is required');
    expect(r.err).toContain('--max-receive-count');
    const unknown = await run(['setup', '--account', 'nope', '--region', 'us-east-1'], new FakeSqs(), new FakeEventBridge());
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no aws.accounts entry named "nope" (prod)');
  });
});
