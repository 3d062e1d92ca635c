// Replay: every Lambda stage as Orca's tasks post it to clouddriver's /aws/ops, and what Orca then reads.
// Bodies field for field from Orca's Lambda tasks in spinnaker/spinnaker. Unless marked, files are @ 98fbbc9 in
// orca/orca-clouddriver/src/main/java/com/netflix/spinnaker/orca/clouddriver/tasks/providers/aws/lambda/;
// "@ 60cdfb6" files sit at the older root path orca-clouddriver/src/main/java/... (no orca/ prefix).
//  - LambdaCreateTask.java createLambda :83-93: the stage's LambdaDeploymentInput :84 + appName :85 + credentials =
//    account :86, posted to /aws/ops/createLambdaFunction :41, :87-89. It reads no result itself:
//    LambdaVerificationTask.java @ 60cdfb6 (not found under orca/ at 98fbbc9) runs LambdaCloudDriverUtils.verifyStatus
//    on the task URL :77 and reads resultObjects[0] functionArn, functionName, version :97-111.
//  - LambdaUpdateCodeTask.java updateLambdaCode :70-91 (publish :80, appName :83, credentials :84, posted :85-87);
//    LambdaPublishVersionTask.java publishVersion :81-93 (appName :83, credentials :84; body serialized :85 before
//    revisionId is set :88; posted :86, :89); then LambdaWaitForCachePublishTask.java @ 60cdfb6 :52 calls
//    getPublishedVersion, which reads resultObjects[0].version (orca/.../clouddriver/utils/LambdaCloudDriverUtils.java
//    @ 98fbbc9 :171-186: resultObjects :175, [0] :177, version :178-179, "$LATEST" if absent :185).
//  - LambdaTrafficUpdateTask.java @ 60cdfb6 (not found under orca/ at 98fbbc9; only
//    LambdaTrafficUpdateVerificationTask was): strategy setupInput :59, deploy :60, task URL into context :73. The
//    upsertLambdaFunctionAlias post: pipeline/servergroup/strategies/lambda/BaseLambdaDeploymentStrategy.java
//    @ 60cdfb6 postToCloudDriver :39-49 (path :31, posted :41-43); body from LambdaSimpleDeploymentStrategy.java
//    setupInput :54-63 (credentials :57, appName :58, majorFunctionVersion :60-61) or
//    LambdaWeightedDeploymentStrategy.java setupInput :57-72 (appName/account/credentials :61-63,
//    weightToMinorFunctionVersion :65-66, majorFunctionVersion/minorFunctionVersion :67-70).
//  - LambdaUpdateEventConfigurationTask.java (spinnaker/spinnaker @ 149b16e): posts to `props.getCloudDriverBaseUrl()`
//    :63 (clouddriver.baseUrl, no shard selector); formEventObject :216-230 (upsertLambdaFunctionEventMapping:
//    eventSourceArn, batchsize — an int, 0 when the stage sets none —, enabled true, maxBatchingWindowSecs, account,
//    credentials, appName, region, functionName, qualifier); getExistingEvents :129-139 reads the cached mappings'
//    functionArn + eventSourceArn; deleteEvent :152-186 takes `uuid` :170 and posts deleteLambdaFunctionEventMapping
//    :171-179 (account, credentials, functionName, eventSourceArn, uuid, region — no qualifier).
//  - LambdaPutConcurrencyTask.java (appName :57, credentials :74; putReservedConcurrency :86-93, posted :87-89;
//    putProvisionedConcurrency :95-103, qualifier = aliasName :96) / LambdaDeleteConcurrencyTask.java (appName :57,
//    credentials not set by the task; deleteReservedConcurrency :88-95, posted :89-91, only in
//    Aws.LambdaDeploymentStage :60-62; deleteProvisionedConcurrency :78-86, qualifier = aliasName :79).
//  - LambdaInvokeTask.java (qualifier $LATEST or the alias :60-61, appName :62, credentials :63, one
//    invokeLambdaFunction per executionCount :65-68, posted :73-81); LambdaInvokeVerificationTask.java :157 calls
//    getLambdaInvokeResults, which reads resultObjects[0].responseString (LambdaCloudDriverUtils.java :134-169:
//    resultObjects :139, [0] :142-143, responseString :144).
//  - LambdaDeleteTask.java @ 60cdfb6 (not found under orca/ at 98fbbc9): appName :53; version "$ALL" posts once
//    without qualifier :55-58; deleteLambda :107-115 (credentials :108, posted to deleteLambdaFunction :44, :109-111).
// Task polling as MonitorKatoTask (MonitorKatoTask.groovy :253-265, :179-191; see taskPolling.test.ts) /
// LambdaCloudDriverUtils.verifyStatus (:188-208: status :192, resultObjects[0] :193-198) read it:
// status.completed/failed, resultObjects, outputs, and on failure the EXCEPTION result object.
import { afterEach, describe, expect, it } from 'vitest';
import { composeLambda, type LambdaHarness } from '../../packages/lambda/src/__fixtures__/composeLambda.js';

let h: LambdaHarness;
afterEach(async () => h?.close());

const stage = { account: 'prod', credentials: 'prod', region: 'us-east-1', appName: 'shop', cloudProvider: 'aws' };
async function op(name: string, body: Record<string, unknown>) {
  const res = await h.post(`/aws/ops/${name}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // LambdaCloudDriverResponse: resourceUri is appended to the clouddriver URL and polled.
  expect(res.body.resourceUri).toBe(`/task/${res.body.id}`);
  const t = await h.waitForTask(res.body.id);
  // Every task answer carries what MonitorKatoTask copies into kato.tasks.
  expect(t).toHaveProperty('outputs', []);
  return t;
}

describe('Orca Lambda stages replayed', () => {
  it('deploy → update code → publish → traffic → events → concurrency → invoke → delete, reading what Orca reads', async () => {
    h = await composeLambda();
    // LambdaCreateTask: stage context of Deck's Lambda deployment stage.
    const created = await op('createLambdaFunction', {
      ...stage,
      functionName: 'shop-orders', functionUid: 'orders', stackName: '', detailName: '',
      runtime: 'nodejs22.x', s3bucket: 'shop-artifacts', s3key: 'orders/1.zip', handler: 'index.handler',
      role: 'arn:aws:iam::123456789012:role/shop', memorySize: '256', timeout: '30', publish: false,
      envVariables: { STAGE: 'prod' }, tags: {}, layers: [], subnetIds: [], securityGroupIds: [], deadLetterConfig: { targetArn: '' },
      tracingConfig: { mode: 'PassThrough' }, kmskeyArn: '', enableLambdaAtEdge: false, aliases: [], triggerArns: [],
    });
    expect(created.status).toMatchObject({ completed: true, failed: false });
    expect(created.resultObjects[0]).toMatchObject({ functionName: 'shop-orders', functionArn: expect.stringContaining(':function:shop-orders') });

    const code = await op('updateLambdaFunctionCode', { ...stage, functionName: 'shop-orders', s3bucket: 'shop-artifacts', s3key: 'orders/2.zip', publish: false });
    expect(code.status.failed).toBe(false);

    // LambdaPublishVersionTask → getPublishedVersion reads resultObjects[0].version (falls back to $LATEST if absent).
    const published = await op('publishLambdaFunctionVersion', { ...stage, functionName: 'shop-orders', description: 'v2', revisionId: '' });
    expect(published.resultObjects[0].version).toMatch(/^\d+$/);
    const version = published.resultObjects[0].version;

    const alias = await op('upsertLambdaFunctionAlias', { ...stage, functionName: 'shop-orders', aliasName: 'live', majorFunctionVersion: version, aliasDescription: '', minorFunctionVersion: '', weightToMinorFunctionVersion: 0 });
    expect(alias.status.failed, JSON.stringify(alias.resultObjects)).toBe(false);

    // formEventObject: batchsize 0 (the task input's int default) means "not set"; enabled true; qualifier = alias.
    const mapping = await op('upsertLambdaFunctionEventMapping', { ...stage, functionName: 'shop-orders', qualifier: 'live', eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders', batchsize: 0, enabled: true, maxBatchingWindowSecs: -1 });
    expect(mapping.status.failed, JSON.stringify(mapping.resultObjects)).toBe(false);
    expect(mapping.resultObjects[0]).toMatchObject({ uuid: expect.any(String), eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders' });

    // The next Orca run reads mappings from /functions (getExistingEvents: functionArn == alias ARN → eventSourceArn, uuid).
    const fn = (await h.get('/functions?functionName=shop-orders&region=us-east-1&account=prod')).body[0];
    const existing = fn.eventSourceMappings.find((m: any) => m.functionArn === `${fn.functionArn}:live`);
    expect(existing).toMatchObject({ uuid: mapping.resultObjects[0].uuid, batchSize: expect.any(Number) });

    const put = await op('putLambdaReservedConcurrency', { ...stage, functionName: 'shop-orders', reservedConcurrentExecutions: 5 });
    expect(put.status.failed).toBe(false);
    const del = await op('deleteLambdaReservedConcurrency', { ...stage, functionName: 'shop-orders' });
    expect(del.status.failed).toBe(false);

    // LambdaInvokeTask: qualifier = alias; getLambdaInvokeResults reads resultObjects[0].responseString.
    const invoked = await op('invokeLambdaFunction', { ...stage, functionName: 'shop-orders', qualifier: 'live', payload: '{"ping":1}', timeout: -1, executionCount: 1 });
    expect(typeof invoked.resultObjects[0].responseString).toBe('string');

    // deleteEvent: uuid + eventSourceArn, no qualifier.
    const unmapped = await op('deleteLambdaFunctionEventMapping', { ...stage, functionName: 'shop-orders', eventSourceArn: existing.eventSourceArn, uuid: existing.uuid });
    expect(unmapped.resultObjects[0]).toMatchObject({ deleted: true });

    // LambdaDeleteTask, then again (a retried stage): the second is a no-op success.
    expect((await op('deleteLambdaFunction', { ...stage, functionName: 'shop-orders' })).status.failed).toBe(false);
    const again = await op('deleteLambdaFunction', { ...stage, functionName: 'shop-orders' });
    expect(again.status).toMatchObject({ completed: true, failed: false });
  });

  it('a failed task is what Orca reads as TERMINAL, with the exception summary (message, cause, details)', async () => {
    h = await composeLambda();
    const t = await op('updateLambdaFunctionConfiguration', { ...stage, functionName: 'shop-missing', memorySize: 512 });
    expect(t.status).toMatchObject({ completed: true, failed: true, retryable: false });
    const ex = t.resultObjects.find((r: any) => r.type === 'EXCEPTION');
    expect(ex).toMatchObject({ message: expect.stringContaining('shop-missing'), details: [expect.objectContaining({ message: expect.any(String) })] });
    // Not retryable: Orca's shouldRetry is false and it never calls :resume.
    expect((await h.post(`/task/${t.id}:resume`, {})).status).toBe(400);
  });
});
