// Every field Deck's Functions tab and Orca's Lambda tasks read from `GET /functions` and
// `GET /applications/{app}/functions`, listed from their source, pinned against outrigger's answer:
//  - deck/packages/amazon/src/function/details/AmazonFunctionDetails.tsx: lastModified, account, region,
//    vpcConfig.vpcId, functionArn, revisionId, version, functionName; eventSourceMappings[].eventSourceArn, .state;
//    aliasConfigurations[].name, .aliasArn (the list view groups by account, functionName, region).
//  - orca/.../tasks/providers/aws/lambda/model/LambdaDefinition.java: account, region, revisions, aliasConfigurations,
//    eventSourceMappings, code, tags, targetGroups, functionName, functionArn, revisionId, state.
//  - orca/.../tasks/providers/aws/lambda/LambdaUpdateEventConfigurationTask.java (getExistingEvents, deleteEvent,
//    getExistingEventsDetails): eventSourceMappings[].functionArn, .eventSourceArn, .uuid, .batchSize (an Integer).
//  - orca/.../utils/LambdaCloudDriverUtils.java getSortedRevisions: revisions values are version numbers.
import { afterEach, describe, expect, it } from 'vitest';
import { LambdaEventSourceMappingSchema, LambdaFunctionSchema } from '@outrigger/contract';
import { composeLambda, type LambdaHarness } from './__fixtures__/composeLambda.js';

let h: LambdaHarness;
afterEach(async () => h?.close());

const base = { credentials: 'prod', account: 'prod', region: 'us-east-1', appName: 'shop' };
async function run(op: string, body: Record<string, unknown>) {
  const res = await h.post(`/aws/ops/${op}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const t = await h.waitForTask(res.body.id);
  expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
  return t;
}

describe('what Deck and Orca read from the function reads', () => {
  it('serves every field they read, with event source mappings as `uuid` on the function and its aliases', async () => {
    h = await composeLambda();
    await run('createLambdaFunction', {
      ...base, functionName: 'orders', runtime: 'nodejs22.x', handler: 'index.handler', role: 'arn:aws:iam::123456789012:role/r',
      s3bucket: 'shop-artifacts', s3key: 'k.zip', publish: true, subnetIds: ['subnet-1'], securityGroupIds: ['sg-1'], tags: { team: 'orders' },
    });
    await run('upsertLambdaFunctionAlias', { ...base, functionName: 'shop-orders', aliasName: 'live', majorFunctionVersion: '1' });
    await run('upsertLambdaFunctionEventMapping', { ...base, functionName: 'shop-orders', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q1', batchsize: 7, enabled: true });
    await run('upsertLambdaFunctionEventMapping', { ...base, functionName: 'shop-orders', qualifier: 'live', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q2', batchsize: 3, enabled: true });

    // AmazonFunctionDetails re-fetches GET /functions?provider&functionName&region&account (Gate passes three of them).
    const one = await h.get('/functions?functionName=shop-orders&region=us-east-1&account=prod');
    expect(one.status).toBe(200);
    const fn = one.body[0];
    expect(() => LambdaFunctionSchema.parse(fn)).not.toThrow();
    for (const field of ['lastModified', 'account', 'region', 'functionArn', 'revisionId', 'version', 'functionName', 'state', 'revisions', 'code', 'tags', 'targetGroups']) {
      expect(fn, field).toHaveProperty(field);
    }
    expect(fn.vpcConfig).toHaveProperty('vpcId');
    expect(Object.values(fn.revisions)).toContain('1');
    expect(fn.aliasConfigurations).toEqual([expect.objectContaining({ name: 'live', aliasArn: `${fn.functionArn}:live` })]);

    expect(fn.eventSourceMappings).toHaveLength(2);
    for (const m of fn.eventSourceMappings) {
      expect(() => LambdaEventSourceMappingSchema.parse(m)).not.toThrow();
      expect(m).not.toHaveProperty('uUID');
      expect(typeof m.uuid).toBe('string');
      expect(Number.isInteger(m.batchSize)).toBe(true);
      expect(typeof m.state).toBe('string');
    }
    // Orca's getExistingEvents filters by functionArn == the (alias-qualified) target, then reads eventSourceArn and uuid.
    const onAlias = fn.eventSourceMappings.find((m: any) => m.functionArn === `${fn.functionArn}:live`);
    expect(onAlias).toMatchObject({ eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q2', batchSize: 3 });
    expect([...h.lambda.mappings.keys()]).toContain(onAlias.uuid);
    const onFunction = fn.eventSourceMappings.find((m: any) => m.functionArn === fn.functionArn);
    expect(onFunction).toMatchObject({ eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q1', batchSize: 7 });

    // The Functions tab list (GET /applications/{app}/functions) carries the same items.
    const app = await h.get('/applications/shop/functions');
    expect(app.body.find((f: any) => f.functionName === 'shop-orders').eventSourceMappings.map((m: any) => m.uuid).sort()).toEqual(
      fn.eventSourceMappings.map((m: any) => m.uuid).sort(),
    );
  });
});
