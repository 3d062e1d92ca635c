import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceConflictException } from '@aws-sdk/client-lambda';
import { composeLambda, type LambdaHarness } from '../__fixtures__/composeLambda.js';
import { statementIdFor } from '../aws/targetGroups.js';

// Bodies shaped as Orca's Lambda tasks post them: the stage context (with unknown fields and nulls), `credentials`
// naming the account and `appName` the application.
const deployContext = {
  cloudProvider: 'aws',
  account: 'prod',
  credentials: 'prod',
  region: 'us-east-1',
  appName: 'shop',
  functionName: 'shop-orders',
  functionUid: 'orders',
  stackName: '',
  detailName: '',
  runtime: 'nodejs22.x',
  s3bucket: 'shop-artifacts',
  s3key: 'orders/1.0.0.zip',
  handler: 'index.handler',
  role: 'arn:aws:iam::123456789012:role/shop-lambda',
  memorySize: 256,
  timeout: 30,
  publish: false,
  envVariables: { STAGE: 'prod' },
  tags: { team: 'orders' },
  layers: [],
  subnetIds: null,
  securityGroupIds: null,
  deadLetterConfig: null,
  tracingConfig: { mode: 'PassThrough' },
  kmskeyArn: null,
  enableLambdaAtEdge: false,
  aliases: [],
  triggerArns: [],
  type: 'Aws.LambdaDeploymentStage',
  refId: '1',
};

async function run(h: LambdaHarness, op: string, body: unknown) {
  const res = await h.post(`/aws/ops/${op}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.resourceUri).toBe(`/task/${res.body.id}`);
  return h.waitForTask(res.body.id);
}

let h: LambdaHarness;
afterEach(async () => h?.close());

describe('Lambda operations over HTTP, as Orca drives them', () => {
  it('runs a whole deploy (create, config, code, publish, alias, mappings, concurrency, invoke, delete) under 30% throttling', async () => {
    h = await composeLambda({ throttleRate: 0.3 });
    const created = await run(h, 'createLambdaFunction', deployContext);
    expect(created.status.failed, JSON.stringify(created)).toBe(false);
    expect(created.resultObjects[0]).toMatchObject({ functionName: 'shop-orders', created: true, state: 'Active' });
    expect(created.history.map((x: any) => x.phase)).toContain('CREATE_LAMBDA_FUNCTION');
    const fn = h.lambda.functions.get('shop-orders')!;
    expect(fn.tags).toMatchObject({ team: 'orders', 'moniker.spinnaker.io/application': 'shop', 'outrigger.io/code-source': 's3://shop-artifacts/orders/1.0.0.zip' });

    // Config then code right away: without the Active/Successful waits the fake raises ResourceConflictException.
    const config = await run(h, 'updateLambdaFunctionConfiguration', { ...deployContext, memorySize: 512, tags: { owner: 'kim' } });
    expect(config.status.failed, JSON.stringify(config.resultObjects)).toBe(false);
    const code = await run(h, 'updateLambdaFunctionCode', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', s3bucket: 'shop-artifacts', s3key: 'orders/1.1.0.zip', publish: true });
    expect(code.status.failed, JSON.stringify(code.resultObjects)).toBe(false);
    expect(code.resultObjects[0].version).toBe('1');
    expect(fn.config.MemorySize).toBe(512);
    expect(fn.tags).toMatchObject({ team: 'orders', owner: 'kim' }); // merged, not wiped

    // Nothing changed since version 1: Lambda answers with version 1 instead of publishing (PublishVersion API reference).
    const unchanged = await run(h, 'publishLambdaFunctionVersion', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', description: 'again' });
    expect(unchanged.resultObjects[0].version).toBe('1');
    expect((await run(h, 'updateLambdaFunctionConfiguration', { ...deployContext, memorySize: 1024, tags: { owner: 'kim' } })).status.failed).toBe(false);
    const published = await run(h, 'publishLambdaFunctionVersion', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', description: 'v2' });
    expect(published.resultObjects[0].version).toBe('2');
    const alias = await run(h, 'upsertLambdaFunctionAlias', {
      credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', aliasName: 'live',
      majorFunctionVersion: '2', minorFunctionVersion: '1', weightToMinorFunctionVersion: 0.1,
    });
    expect(alias.status.failed, JSON.stringify(alias.resultObjects)).toBe(false);
    expect(fn.aliases.get('live')!.RoutingConfig).toEqual({ AdditionalVersionWeights: { '1': 0.1 } });
    const queue = 'arn:aws:sqs:us-east-1:123456789012:orders';
    const mapping = await run(h, 'upsertLambdaFunctionEventMapping', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', eventSourceArn: queue, batchsize: 10, enabled: true, maxRetryAttempts: -1 });
    expect(mapping.resultObjects[0]).toMatchObject({ eventSourceArn: queue, state: 'Enabled' });
    expect(mapping.resultObjects[0].uuid).toBeTypeOf('string');
    const again = await run(h, 'upsertLambdaFunctionEventMapping', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', eventSourceArn: queue, batchsize: 5, enabled: true });
    expect(again.resultObjects[0].uuid).toBe(mapping.resultObjects[0].uuid);
    expect(h.lambda.mappings.size).toBe(1);
    expect((await run(h, 'putLambdaReservedConcurrency', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', reservedConcurrentExecutions: 5 })).status.failed).toBe(false);
    expect(fn.reserved).toBe(5);
    expect((await run(h, 'deleteLambdaReservedConcurrency', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders' })).status.failed).toBe(false);
    const prov = await run(h, 'putLambdaProvisionedConcurrency', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', qualifier: 'live', provisionedConcurrentExecutions: 2 });
    expect(prov.resultObjects[0]).toMatchObject({ status: 'READY' });
    expect((await run(h, 'deleteLambdaProvisionedConcurrency', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', qualifier: 'live' })).status.failed).toBe(false);

    const invoked = await run(h, 'invokeLambdaFunction', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', qualifier: 'live', payload: '{"id":1}', timeout: -1 });
    expect(invoked.resultObjects[0].invokeResult).toMatchObject({ statusCode: 200, executedVersion: 'live' });
    expect(JSON.parse(invoked.resultObjects[0].responseString)).toEqual({ statusCode: 200, body: '{"id":1}' });
    expect(invoked.resultObjects[0].logs).toContain('hello from shop-orders');
    const event = await run(h, 'invokeLambdaFunction', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', invocationType: 'Event', payloadArtifact: { type: 'embedded/base64', reference: Buffer.from('{"a":1}').toString('base64') } });
    expect(event.resultObjects[0].invokeResult.statusCode).toBe(202);

    expect((await run(h, 'deleteLambdaFunctionEventMapping', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', eventSourceArn: queue })).resultObjects[0].deleted).toBe(true);
    expect((await run(h, 'deleteLambdaFunctionAlias', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live' })).status.failed).toBe(false);
    const deleted = await run(h, 'deleteLambdaFunction', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders' });
    expect(deleted.status.failed).toBe(false);
    expect(h.lambda.functions.has('shop-orders')).toBe(false);
    expect(h.lambda.throttled).toBeGreaterThan(5);
  });

  it('adopts an existing identical function on create, and refuses a different one with the differing fields', async () => {
    h = await composeLambda();
    expect((await run(h, 'createLambdaFunction', deployContext)).status.failed).toBe(false);
    const repeat = await run(h, 'createLambdaFunction', deployContext);
    expect(repeat.status.failed).toBe(false);
    expect(repeat.resultObjects[0]).toMatchObject({ functionName: 'shop-orders', created: false, adopted: true });
    const different = await run(h, 'createLambdaFunction', { ...deployContext, memorySize: 1024, s3key: 'orders/2.0.0.zip' });
    expect(different.status.failed).toBe(true);
    expect(different.resultObjects[0].message).toMatch(/already exists with a different memorySize, code/);
  });

  it('prefixes the application name as clouddriver does, and can be told not to', async () => {
    h = await composeLambda();
    await run(h, 'createLambdaFunction', { ...deployContext, functionName: 'billing' });
    expect(h.lambda.functions.has('shop-billing')).toBe(true);
    await h.close();
    h = await composeLambda({ lambdaConfig: { prefixApplicationNameToFunction: false } });
    await run(h, 'createLambdaFunction', { ...deployContext, functionName: 'billing' });
    expect(h.lambda.functions.has('billing')).toBe(true);
  });

  it('answers 400 naming each bad field, before any task exists', async () => {
    h = await composeLambda();
    const r = await h.post('/aws/ops/createLambdaFunction', { ...deployContext, role: 'not-an-arn', runtime: 'cobol1.0', memorySize: 'big' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: 400, error: 'Bad Request', path: '/aws/ops/createLambdaFunction' });
    expect(r.body.errors.map((e: any) => e.field)).toEqual(['$.body.memorySize']);
    const r2 = await h.post('/aws/ops/createLambdaFunction', { ...deployContext, role: 'not-an-arn', runtime: 'cobol1.0', handler: null });
    expect(r2.status).toBe(400);
    expect(r2.body.errors.map((e: any) => e.field).sort()).toEqual(['$.body.handler', '$.body.role', '$.body.runtime']);
    const r3 = await h.post('/aws/ops/createLambdaFunction', { ...deployContext, credentials: 'nope' });
    expect(r3.status).toBe(400);
    expect(r3.body.errors[0]).toMatchObject({ field: '$.body.credentials', message: expect.stringContaining('credentials not found (name: nope') });
    const r4 = await h.post('/aws/ops/createLambdaFunction', '{"credentials":');
    expect(r4.status).toBe(400);
    const { credentials: _c, ...noCredentials } = deployContext;
    const r5 = await h.post('/aws/ops/deleteLambdaFunction', noCredentials);
    expect(r5.status).toBe(400);
    expect(r5.body.errors.map((e: any) => e.field)).toContain('$.body.credentials');
  });

  it('fails the task with clouddriver\'s message when the account is not Lambda-enabled', async () => {
    h = await composeLambda();
    const t = await run(h, 'deleteLambdaFunction', { credentials: 'legacy', region: 'us-east-1', functionName: 'x' });
    expect(t.status.failed).toBe(true);
    expect(t.resultObjects[0].message).toBe('AWS Lambda is not enabled for provided account.');
  });

  it('runs the list form of /aws/ops (the Functions tab) in one task', async () => {
    h = await composeLambda();
    const res = await h.post('/aws/ops', [
      { createLambdaFunction: { ...deployContext, functionName: 'shop-cart' } },
      { upsertLambdaFunctionAlias: { credentials: 'prod', region: 'us-east-1', functionName: 'shop-cart', aliasName: 'live', majorFunctionVersion: '$LATEST' } },
    ]);
    expect(res.status).toBe(200);
    const t = await h.waitForTask(res.body.id);
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    expect(t.resultObjects).toHaveLength(2);
    const bad = await h.post('/aws/ops', [{ deployServerGroup: {} }]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('$.body[0].deployServerGroup');
    const badField = await h.post('/aws/ops', [{ deleteLambdaFunction: { credentials: 'prod', region: 'us-east-1' } }]);
    expect(badField.body.errors[0].field).toBe('$.body[0].deleteLambdaFunction.functionName');
  });

  it('registers with target groups by name or ARN using a deterministic statement id, and deregisters removed ones', async () => {
    h = await composeLambda({ throttleRate: 0.3 });
    const tgArn = h.elb.targetGroups[1]!.TargetGroupArn!;
    const t = await run(h, 'createLambdaFunction', { ...deployContext, targetGroups: 'web-tg' });
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    const fnArn = h.lambda.arn('shop-orders');
    expect([...h.elb.targets.get(h.elb.targetGroups[0]!.TargetGroupArn!)!]).toEqual([fnArn]);
    const upd = await run(h, 'updateLambdaFunctionConfiguration', { ...deployContext, targetGroups: ['web-tg', tgArn] });
    expect(upd.status.failed, JSON.stringify(upd.resultObjects)).toBe(false);
    const repeat = await run(h, 'updateLambdaFunctionConfiguration', { ...deployContext, targetGroups: ['web-tg', tgArn] });
    expect(repeat.status.failed).toBe(false);
    const sids = h.lambda.functions.get('shop-orders')!.policy.map((s) => s.Sid).sort();
    expect(sids).toEqual([statementIdFor(h.elb.targetGroups[0]!.TargetGroupArn!), statementIdFor(tgArn)].sort());
    await run(h, 'updateLambdaFunctionConfiguration', { ...deployContext, targetGroups: [tgArn] });
    expect(h.elb.targets.get(h.elb.targetGroups[0]!.TargetGroupArn!)!.size).toBe(0);
    expect(h.lambda.functions.get('shop-orders')!.policy.map((s) => s.Sid)).toEqual([statementIdFor(tgArn)]);
    const fn = await h.get('/functions?account=prod&region=us-east-1&functionName=shop-orders');
    expect(fn.body[0].targetGroups).toEqual(['api-tg']);
  });

  it('creates image functions and artifact-sourced code, with URLs and async invoke config', async () => {
    h = await composeLambda({ fetchBytes: async () => Buffer.from('PK zip bytes') });
    const img = await run(h, 'createLambdaFunction', {
      credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-img', role: deployContext.role, packageType: 'Image',
      imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1', architectures: ['arm64'], ephemeralStorage: { size: 2048 },
      functionUrl: { authType: 'NONE', cors: { allowOrigins: ['*'] } },
      asyncInvokeConfig: { maximumRetryAttempts: 0, destinationConfig: { onFailure: { destination: 'arn:aws:sqs:us-east-1:123456789012:dlq' } } },
    });
    expect(img.status.failed, JSON.stringify(img.resultObjects)).toBe(false);
    const f = h.lambda.functions.get('shop-img')!;
    expect(f.config).toMatchObject({ PackageType: 'Image', Architectures: ['arm64'], EphemeralStorage: { Size: 2048 } });
    expect(f.url).toMatchObject({ AuthType: 'NONE' });
    expect(f.eventInvoke).toMatchObject({ MaximumRetryAttempts: 0 });
    const http = await run(h, 'createLambdaFunction', { ...deployContext, s3bucket: null, s3key: null, functionName: 'shop-http', artifact: { type: 'http/file', reference: 'http://127.0.0.1/artifacts/orders.zip' } });
    expect(http.status.failed, JSON.stringify(http.resultObjects)).toBe(false);
    expect(Buffer.from(h.lambda.functions.get('shop-http')!.code.ZipFile!).toString()).toBe('PK zip bytes');
    const s3 = await run(h, 'updateLambdaFunctionCode', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-http', artifact: { type: 's3/object', reference: 's3://b/k.zip', version: 'v7' } });
    expect(s3.status.failed).toBe(false);
    expect(h.lambda.functions.get('shop-http')!.code).toEqual({ S3Bucket: 'b', S3Key: 'k.zip', S3ObjectVersion: 'v7' }); // the artifact's version pins the S3 object
  });

  it('downloads http/file code through the guarded fetcher: loopback refused by default, fetched when artifacts.allowedHosts lists it', async () => {
    const hits: string[] = [];
    const files = http.createServer((req, res) => {
      hits.push(req.url!);
      res.end('PK from loopback');
    });
    files.listen(0, '127.0.0.1');
    await new Promise<void>((r) => files.once('listening', () => r()));
    const ref = `http://127.0.0.1:${(files.address() as AddressInfo).port}/orders.zip`;
    try {
      h = await composeLambda();
      const refused = await run(h, 'createLambdaFunction', { ...deployContext, s3bucket: null, s3key: null, functionName: 'shop-http', artifact: { type: 'http/file', reference: ref } });
      expect(refused.status.failed).toBe(true);
      expect(JSON.stringify(refused.resultObjects)).toMatch(/could not be fetched/);
      expect(hits).toEqual([]);
      expect(h.lambda.functions.has('shop-http')).toBe(false);
      await h.close();
      h = await composeLambda({ artifacts: { allowedHosts: ['127.0.0.0/8'] } });
      const ok = await run(h, 'createLambdaFunction', { ...deployContext, s3bucket: null, s3key: null, functionName: 'shop-http', artifact: { type: 'http/file', reference: ref } });
      expect(ok.status.failed, JSON.stringify(ok.resultObjects)).toBe(false);
      expect(Buffer.from(h.lambda.functions.get('shop-http')!.code.ZipFile!).toString()).toBe('PK from loopback');
      expect(hits).toEqual(['/orders.zip']);
    } finally {
      files.close();
    }
  });

  it('fetches artifact types it does not read itself (github/file…) through clouddriver\'s /artifacts/fetch/', async () => {
    const asked: unknown[] = [];
    const cd = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        asked.push({ method: req.method, url: req.url, artifact: JSON.parse(body) });
        res.end(JSON.parse(body).type === 'github/file' ? '{"from":"github"}' : 'zip');
      });
    });
    cd.listen(0, '127.0.0.1');
    await new Promise<void>((r) => cd.once('listening', () => r()));
    try {
      h = await composeLambda({ clouddriverUrl: `http://127.0.0.1:${(cd.address() as AddressInfo).port}` });
      h.lambda.seed('shop-orders');
      const t = await run(h, 'invokeLambdaFunction', {
        credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders',
        payloadArtifact: { type: 'github/file', name: 'payload.json', reference: 'https://api.github.com/repos/o/r/contents/payload.json', artifactAccount: 'gh', customKind: false, metadata: {} },
      });
      expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
      expect(JSON.parse(t.resultObjects[0].responseString).body).toBe('{"from":"github"}');
      expect(asked).toEqual([{ method: 'PUT', url: '/artifacts/fetch/', artifact: expect.objectContaining({ type: 'github/file', artifactAccount: 'gh' }) }]);
    } finally {
      cd.close();
    }
  });
});

describe('concurrent operations on one function', () => {
  it('serialises them, so parallel updates (as Orca fires them) never conflict', async () => {
    h = await composeLambda();
    h.lambda.seed('shop-orders');
    const posts = await Promise.all(
      [256, 512, 1024].map((memorySize) => h.post('/aws/ops/updateLambdaFunctionConfiguration', { credentials: 'prod', region: 'us-east-1', appName: 'shop', functionName: 'shop-orders', memorySize })),
    );
    const tasks = await Promise.all(posts.map((p) => h.waitForTask(p.body.id)));
    for (const t of tasks) expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
  });
});

describe('a change made elsewhere while outrigger updates', () => {
  it('waits and retries on ResourceConflictException instead of failing the stage', async () => {
    h = await composeLambda();
    h.lambda.seed('shop-orders');
    let conflicts = 0;
    h.lambda.failWith = (cmd) =>
      cmd === 'UpdateFunctionCode' && conflicts++ < 2
        ? new ResourceConflictException({ message: 'An update is in progress for resource', $metadata: {} } as never)
        : undefined;
    const t = await run(h, 'updateLambdaFunctionCode', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', s3bucket: 'bkt', s3key: 'v2.zip' });
    expect(t.status.failed, JSON.stringify(t.resultObjects)).toBe(false);
    expect(t.history.filter((x: any) => /someone else/.test(x.status))).toHaveLength(2);
  });
});

describe('invoke timeout', () => {
  it('aborts the call and fails the task with Orca\'s message when the function does not answer in time', async () => {
    h = await composeLambda();
    h.lambda.seed('shop-slow');
    h.lambda.invokeHangs = true;
    const t = await run(h, 'invokeLambdaFunction', { credentials: 'prod', region: 'us-east-1', functionName: 'shop-slow', payload: '{}', timeout: 1 });
    expect(t.status.failed).toBe(true);
    expect(t.resultObjects[0].message).toMatch(/Lambda Invocation did not finish on time \(1000 ms\)/);
  });
});
