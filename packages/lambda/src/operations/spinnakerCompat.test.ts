// What a write leaves behind, checked against what clouddriver does (clouddriver-lambda/.../deploy/ops/*) and what AWS
// does with each call (a Put… replaces the whole object, an Update… changes only what it names).
import { afterEach, describe, expect, it } from 'vitest';
import { composeLambda, type LambdaHarness } from '../__fixtures__/composeLambda.js';

let h: LambdaHarness;
afterEach(async () => h?.close());

async function run(op: string, body: Record<string, unknown>) {
  const res = await h.post(`/aws/ops/${op}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return h.waitForTask(res.body.id);
}
const lines = (t: any) => t.history.map((x: any) => x.status) as string[];
const base = { credentials: 'prod', account: 'prod', region: 'us-east-1', appName: 'shop' };
const createBody = {
  ...base,
  functionName: 'orders',
  runtime: 'nodejs22.x',
  handler: 'index.handler',
  role: 'arn:aws:iam::123456789012:role/shop-lambda',
  s3bucket: 'shop-artifacts',
  s3key: 'orders/1.0.0.zip',
};

describe('deleteLambdaFunction of a function that is gone', () => {
  it('succeeds as a no-op with a history line (clouddriver DeleteLambdaAtomicOperation returns null when the cache has no function)', async () => {
    h = await composeLambda();
    const t = await run('deleteLambdaFunction', { ...base, functionName: 'shop-nothing-here' });
    expect(t.status).toMatchObject({ completed: true, failed: false });
    expect(t.resultObjects[0]).toMatchObject({ functionName: 'shop-nothing-here', deleted: false });
    expect(lines(t)).toContain('Function shop-nothing-here does not exist (account prod, region us-east-1); nothing to delete');
    // A version that is gone, too.
    h.lambda.seed('shop-orders');
    const v = await run('deleteLambdaFunction', { ...base, functionName: 'shop-orders', qualifier: '7' });
    expect(v.status.failed).toBe(false);
    expect(lines(v)).toContain('Function shop-orders:7 does not exist (account prod, region us-east-1); nothing to delete');
    expect(h.lambda.functions.has('shop-orders')).toBe(true);
  });
});

describe('application-name prefix', () => {
  it('is applied on create only; every other operation uses the name it is given', async () => {
    h = await composeLambda();
    const c = await run('createLambdaFunction', createBody);
    expect(c.resultObjects[0].functionName).toBe('shop-orders');
    // Orca posts the full name it read from /functions; an update naming "orders" means a function called "orders".
    const u = await run('updateLambdaFunctionConfiguration', { ...base, functionName: 'orders', memorySize: 512 });
    expect(u.status.failed).toBe(true);
    expect(u.resultObjects[0].message).toMatch(/No such lambda found: orders /);
    const ok = await run('updateLambdaFunctionConfiguration', { ...base, functionName: 'shop-orders', memorySize: 512 });
    expect(ok.status.failed).toBe(false);
    expect(h.lambda.functions.get('shop-orders')!.config.MemorySize).toBe(512);
  });
});

describe('create adopting an existing function', () => {
  it('compares architectures: an x86_64 request does not adopt an arm64 function', async () => {
    h = await composeLambda();
    expect((await run('createLambdaFunction', { ...createBody, architectures: ['arm64'] })).status.failed).toBe(false);
    const again = await run('createLambdaFunction', { ...createBody, architectures: ['x86_64'] });
    expect(again.status.failed).toBe(true);
    expect(again.resultObjects[0].message).toMatch(/already exists with a different architectures/);
    const same = await run('createLambdaFunction', { ...createBody, architectures: ['arm64'] });
    expect(same.resultObjects[0]).toMatchObject({ adopted: true, created: false });
  });

  it('applies every step a fresh create applies (function URL, async invoke config), so a retry finishes the job', async () => {
    h = await composeLambda();
    const body = {
      ...createBody,
      functionUrl: { enabled: true, authType: 'NONE', cors: { allowOrigins: ['https://shop.example.com'] } },
      asyncInvokeConfig: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 },
    };
    expect((await run('createLambdaFunction', body)).status.failed).toBe(false);
    // A first attempt that stopped right after CreateFunction: no URL, no async config yet.
    const fn = h.lambda.functions.get('shop-orders')!;
    delete fn.url;
    delete fn.eventInvoke;
    const retry = await run('createLambdaFunction', body);
    expect(retry.resultObjects[0]).toMatchObject({ adopted: true });
    expect(fn.url).toMatchObject({ AuthType: 'NONE', Cors: { AllowOrigins: ['https://shop.example.com'] } });
    expect(fn.eventInvoke).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 });
  });
});

describe('updates change only what the request names', () => {
  it('a function-URL update giving only cors keeps AuthType', async () => {
    h = await composeLambda();
    await run('createLambdaFunction', { ...createBody, functionUrl: { enabled: true, authType: 'NONE' } });
    const t = await run('updateLambdaFunctionConfiguration', { ...base, functionName: 'shop-orders', functionUrl: { enabled: true, cors: { allowOrigins: ['*'] } } });
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    expect(h.lambda.functions.get('shop-orders')!.url).toMatchObject({ AuthType: 'NONE', Cors: { AllowOrigins: ['*'] } });
  });

  it('an async-invoke-config update keeps the settings it does not name (UpdateFunctionEventInvokeConfig, not Put)', async () => {
    h = await composeLambda();
    await run('createLambdaFunction', {
      ...createBody,
      asyncInvokeConfig: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 600, destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:123456789012:dlq' } } },
    });
    const t = await run('updateLambdaFunctionConfiguration', { ...base, functionName: 'shop-orders', asyncInvokeConfig: { maximumRetryAttempts: 2 } });
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    expect(h.lambda.functions.get('shop-orders')!.eventInvoke).toMatchObject({
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 600,
      DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:123456789012:dlq' } },
    });
    expect(h.lambda.calls.get('UpdateFunctionEventInvokeConfig')).toBe(1);
    expect(h.lambda.calls.get('PutFunctionEventInvokeConfig')).toBe(1);
  });

  it('the fake keeps AWS semantics: Put replaces the whole object', async () => {
    h = await composeLambda();
    h.lambda.seed('shop-x');
    const { PutFunctionEventInvokeConfigCommand } = await import('@aws-sdk/client-lambda');
    await h.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'shop-x', MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600 }) as never);
    await h.lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'shop-x', MaximumRetryAttempts: 2 }) as never);
    expect(h.lambda.functions.get('shop-x')!.eventInvoke).toEqual({ FunctionName: 'shop-x', MaximumRetryAttempts: 2 });
  });
});

describe('deleteLambdaFunctionEventMapping as Orca sends it (uuid and eventSourceArn, no qualifier)', () => {
  it('finds the mapping on an alias by eventSourceArn, and by uuid', async () => {
    h = await composeLambda();
    await run('createLambdaFunction', createBody);
    await run('upsertLambdaFunctionEventMapping', { ...base, functionName: 'shop-orders', qualifier: 'live', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders', batchsize: 5, enabled: true });
    await run('upsertLambdaFunctionEventMapping', { ...base, functionName: 'shop-orders', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:audit', batchsize: 5, enabled: true });
    expect(h.lambda.mappings.size).toBe(2);
    const onAlias = [...h.lambda.mappings.values()].find((m) => m.FunctionArn?.endsWith(':live'))!;
    expect(onAlias.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:shop-orders:live');
    // LambdaUpdateEventConfigurationTask.deleteEvent: functionName, eventSourceArn, uuid, region, credentials — no qualifier.
    const t = await run('deleteLambdaFunctionEventMapping', { ...base, functionName: 'shop-orders', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders' });
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    expect(t.resultObjects[0]).toMatchObject({ deleted: true, uuid: onAlias.UUID });
    expect(h.lambda.mappings.has(onAlias.UUID!)).toBe(false);
    const other = [...h.lambda.mappings.values()][0]!;
    const byUuid = await run('deleteLambdaFunctionEventMapping', { ...base, functionName: 'shop-orders', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:audit', uuid: other.UUID });
    expect(byUuid.resultObjects[0]).toMatchObject({ deleted: true, uuid: other.UUID });
    expect(h.lambda.mappings.size).toBe(0);
  });
});
