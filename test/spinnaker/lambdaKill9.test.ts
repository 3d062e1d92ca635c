// kill -9 proof for Lambda writes and resume (issue 8, "Tasks"): a REAL outrigger child process (the Lambda provider
// on a SQLite data dir, packages/lambda/src/__fixtures__/rolloutProcess.ts) is SIGKILLed at each AWS write of Orca's
// Lambda deploy (createLambdaFunction with publish, a function URL and async invoke config, as posted by
// LambdaCreateTask.java @ spinnaker/spinnaker 98fbbc9, createLambda :83-93, post :87-89) and of a
// multi-operation /aws/ops list, once while the call is held unapplied and once right after AWS applied it (before
// the process heard back). A new process on the same data dir reports the task failed + retryable, and the test
// resumes it as Orca's MonitorKatoTask does (`POST /task/{id}:resume` when `status.failed && status.retryable`;
// orca/orca-clouddriver/src/main/groovy/com/netflix/spinnaker/orca/clouddriver/tasks/MonitorKatoTask.groovy). End
// state exactly as without the kill: one function, exactly one published version, the URL and the invoke config
// set, the alias on that version, no write that took effect done twice where doing it twice would show.
// The stateful FakeLambda lives in this process behind packages/lambda's HTTP bridge, so its state outlives the child.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsBridge } from '../../packages/lambda/src/__fixtures__/awsBridge.js';
import { FakeCloudWatch } from '../../packages/lambda/src/__fixtures__/FakeCloudWatch.js';
import { FakeLambda } from '../../packages/lambda/src/__fixtures__/FakeLambda.js';
import { bundleChild, finishedTask as finished, kill9, postJson as post, startChild as start } from '@outrigger/runtime/testing';

let bundle: Awaited<ReturnType<typeof bundleChild>>;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-lambda-kill9-'));

beforeAll(async () => {
  bundle = await bundleChild(fileURLToPath(new URL('../../packages/lambda/src/__fixtures__/rolloutProcess.ts', import.meta.url)), fileURLToPath(new URL('./.test-bundle/', import.meta.url)), 'lambda');
});
afterAll(async () => {
  for (const c of children) await kill9(c);
  rmSync(dir, { recursive: true, force: true });
  bundle?.remove();
});

async function startChild(dataDir: string, bridgeUrl: string) {
  const config = {
    dataDir,
    logging: { level: 'silent' },
    aws: { accounts: [{ name: 'prod', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true }] },
    lambda: { inventory: { enabled: false } },
  };
  const c = await start(bundle.file, config, { env: { AWS_BRIDGE_URL: bridgeUrl }, cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  children.push(c.child);
  return c;
}

// LambdaCreateTask's body (orca/orca-clouddriver/.../tasks/providers/aws/lambda/LambdaCreateTask.java @ 98fbbc9
// createLambda :83-93: the stage's LambdaDeploymentInput :84 plus appName :85 and credentials = account :86, posted
// to /aws/ops/createLambdaFunction :41, :87-89), as in lambdaStages.test.ts, with publish, a URL and invoke config.
const stage = { account: 'prod', credentials: 'prod', region: 'us-east-1', appName: 'shop', cloudProvider: 'aws' };
const createBody = {
  ...stage,
  functionName: 'shop-orders', functionUid: 'orders', stackName: '', detailName: '',
  runtime: 'nodejs22.x', s3bucket: 'shop-artifacts', s3key: 'orders/1.zip', handler: 'index.handler',
  role: 'arn:aws:iam::123456789012:role/shop', memorySize: '256', timeout: '30', publish: true,
  envVariables: { STAGE: 'prod' }, tags: {}, layers: [], subnetIds: [], securityGroupIds: [], deadLetterConfig: { targetArn: '' },
  tracingConfig: { mode: 'PassThrough' }, kmskeyArn: '', enableLambdaAtEdge: false, aliases: [], triggerArns: [],
  functionUrl: { enabled: true, authType: 'AWS_IAM' },
  asyncInvokeConfig: { maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 },
};

interface Case {
  name: string;
  /** What Orca (or a pipeline author through /aws/ops) posts, and where. */
  path: string;
  body: unknown;
  /** The AWS writes of the task, in order: each is a kill point. */
  writes: string[];
  seed?: (lambda: FakeLambda) => Promise<void>;
  check: (lambda: FakeLambda, task: any) => void;
}

const versionsOf = (lambda: FakeLambda) => lambda.functions.get('shop-orders')!.versions.map((v) => v.Version);

const cases: Case[] = [
  {
    name: "Orca's Lambda deploy (createLambdaFunction with publish, URL and invoke config)",
    path: '/aws/ops/createLambdaFunction',
    body: createBody,
    writes: ['CreateFunction', 'CreateFunctionUrlConfig', 'PutFunctionEventInvokeConfig'],
    check: (lambda, task) => {
      expect([...lambda.functions.keys()]).toEqual(['shop-orders']);
      // Created with Publish: version 1, and never a second version from a re-run.
      expect(versionsOf(lambda)).toEqual(['1']);
      const f = lambda.functions.get('shop-orders')!;
      expect(f.url).toMatchObject({ AuthType: 'AWS_IAM' });
      expect(f.eventInvoke).toMatchObject({ MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 3600 });
      expect(task.resultObjects.at(-1)).toMatchObject({ functionName: 'shop-orders', functionArn: expect.stringContaining(':function:shop-orders') });
    },
  },
  {
    name: 'an /aws/ops list: update code, publish, point the alias at the new version',
    path: '/aws/ops',
    body: [
      { updateLambdaFunctionCode: { ...stage, functionName: 'shop-orders', s3bucket: 'shop-artifacts', s3key: 'orders/2.zip', publish: false } },
      { publishLambdaFunctionVersion: { ...stage, functionName: 'shop-orders', description: 'v2' } },
      { upsertLambdaFunctionAlias: { ...stage, functionName: 'shop-orders', aliasName: 'live', majorFunctionVersion: '2', aliasDescription: 'served' } },
    ],
    writes: ['UpdateFunctionCode', 'PublishVersion', 'UpdateAlias'],
    seed: async (lambda) => {
      lambda.seed('shop-orders', { CodeSha256: 'sha-v1' });
      await lambda.send({ input: { FunctionName: 'shop-orders' }, constructor: { name: 'PublishVersionCommand' } } as never);
      await lambda.send({ input: { FunctionName: 'shop-orders', Name: 'live', FunctionVersion: '1' }, constructor: { name: 'CreateAliasCommand' } } as never);
    },
    check: (lambda) => {
      // Publishing again after a kill returns the version already published for this code (AWS: no change, no new
      // version), so there is exactly one new version and the alias serves it.
      expect(versionsOf(lambda)).toEqual(['1', '2']);
      expect(lambda.functions.get('shop-orders')!.aliases.get('live')).toMatchObject({ FunctionVersion: '2' });
    },
  },
];

describe('kill -9 of a real outrigger process during Lambda writes, then Orca resumes the task', () => {
  for (const c of cases) {
    for (const command of c.writes) {
      for (const when of ['held', 'applied'] as const) {
        it(`${c.name}: SIGKILL at ${command} (${when === 'held' ? 'call not yet applied' : 'AWS applied it, answer never heard'})`, async () => {
          const lambda = new FakeLambda();
          await c.seed?.(lambda);
          let victim: ChildProcess | undefined;
          let killed: Promise<void> | undefined;
          const hit = (cmd: string) => cmd === command && victim !== undefined;
          const strike = () => {
            const v = victim!;
            victim = undefined;
            killed = kill9(v);
            return killed;
          };
          const bridge = await startAwsBridge(
            { lambda, cloudwatch: new FakeCloudWatch() },
            {
              before: (_client, cmd) => (when === 'held' && hit(cmd) ? (void strike(), 'hold') : undefined),
              after: async (_client, cmd) => {
                if (when === 'applied' && hit(cmd)) await strike();
              },
            },
          );
          const dataDir = mkdtempSync(path.join(dir, `${command}-${when}-`));
          try {
            const first = await startChild(dataDir, bridge.url);
            victim = first.child;
            const res = await post(`${first.url}${c.path}`, c.body);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            const id = res.body.id as string;
            while (!killed) await new Promise((r) => setTimeout(r, 20));
            await killed;
            expect(first.child.signalCode).toBe('SIGKILL');

            const second = await startChild(dataDir, bridge.url);
            // What MonitorKatoTask reads before it resumes: a finished, failed, retryable task under the same id.
            const failed = await finished(second.url, id);
            expect(failed.status, JSON.stringify(failed.resultObjects)).toMatchObject({ completed: true, failed: true, retryable: true });
            const r = await post(`${second.url}/task/${id}:resume`, {});
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            const done = await finished(second.url, id);
            expect(done.status, JSON.stringify(done.resultObjects)).toMatchObject({ completed: true, failed: false });
            expect(done.history.some((h: { status: string }) => h.status.startsWith('Resuming task after failure'))).toBe(true);
            c.check(lambda, done);
            await kill9(second.child);
          } finally {
            await bridge.close();
          }
        }, 60_000);
      }
    }
  }
});
