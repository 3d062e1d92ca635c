import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateAliasCommand, PublishVersionCommand } from '@aws-sdk/client-lambda';
import { bundleChild, createTestPostgres, finishedTask, json, kill9, startChild as start, type Child } from '@outrigger/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsBridge } from '../__fixtures__/awsBridge.js';
import { FakeCloudWatch } from '../__fixtures__/FakeCloudWatch.js';
import { FakeLambda } from '../__fixtures__/FakeLambda.js';

// SIGKILL outrigger (a real child process with its SQLite store) at each step of a rollout, restart it on the same
// data directory, and check the rollout finishes under the same task id with every weight change made exactly once,
// in order, and no bake cut short. The AWS fakes live in this process, behind an HTTP bridge, so their state outlives
// the child.

const pkgDir = fileURLToPath(new URL('../../', import.meta.url));
let bundle: Awaited<ReturnType<typeof bundleChild>>;

const children: ChildProcess[] = [];
const dirs: string[] = [];

async function startChild(dataDir: string, bridgeUrl: string, storage?: Record<string, unknown>): Promise<Child> {
  const config = {
    dataDir,
    logging: { level: 'silent' },
    ...(storage ? { storage } : {}),
    aws: { accounts: [{ name: 'prod', accountId: '123456789012', regions: ['us-east-1'], lambdaEnabled: true }] },
    lambda: { inventory: { enabled: false } },
  };
  const c = await start(bundle.file, config, { env: { AWS_BRIDGE_URL: bridgeUrl } });
  children.push(c.child);
  return c;
}

beforeAll(async () => {
  bundle = await bundleChild(fileURLToPath(new URL('../__fixtures__/rolloutProcess.ts', import.meta.url)), path.join(pkgDir, '.test-bundle'), 'rollout');
});
const pg = await createTestPostgres();

afterAll(async () => {
  for (const c of children) await kill9(c);
  await pg?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  bundle?.remove();
});

async function seededFakes() {
  const lambda = new FakeLambda();
  lambda.seed('shop-orders', { CodeSha256: 'sha-v1' });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'shop-orders' }) as never);
  await lambda.send(new CreateAliasCommand({ FunctionName: 'shop-orders', Name: 'live', FunctionVersion: '1' }) as never);
  lambda.functions.get('shop-orders')!.config.CodeSha256 = 'sha-v2';
  lambda.aliasLog.length = 0;
  return { lambda, cloudwatch: new FakeCloudWatch() };
}


const waitForTask = finishedTask;

const STEPS = [{ weight: 10, bakeSeconds: 2 }, { weight: 40, bakeSeconds: 2 }, { weight: 70, bakeSeconds: 2 }, { weight: 100 }];
const weightOf = (e: { version: string; weights: Record<string, number> }) => (e.version === '2' ? 100 : Math.round((e.weights['2'] ?? 0) * 100));

describe('restart: SIGKILL outrigger during a rollout', () => {
  it('killed right after AWS applied each weight change (before outrigger stored it): the rollout finishes with every change made once, bakes whole', async () => {
    const { lambda, cloudwatch } = await seededFakes();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-rollout-'));
    dirs.push(dataDir);
    let current: ChildProcess | undefined;
    const killedAt: number[] = [];
    const bridge = await startAwsBridge(
      { lambda, cloudwatch },
      {
        // Every weight change (not the final 100 %) kills the process the moment AWS has applied it.
        after: async (_client, command, input) => {
          const w = (input.RoutingConfig as { AdditionalVersionWeights?: Record<string, number> } | undefined)?.AdditionalVersionWeights?.['2'];
          if (command === 'UpdateAlias' && w !== undefined && current) {
            killedAt.push(Math.round(w * 100));
            const c = current;
            current = undefined;
            await kill9(c);
          }
        },
      },
    );
    try {
      let { child, url } = await startChild(dataDir, bridge.url);
      current = child;
      const res = await json(`${url}/aws/ops/deployLambdaProgressive`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', steps: STEPS, gates: { intervalSeconds: 1 } }),
      });
      expect(res.status).toBe(200);
      const id = res.body.id as string;
      // Restart each time the previous process was killed, until the rollout ends.
      for (let restarts = 0; restarts < 10; restarts++) {
        let finished = false;
        while (current && !finished) {
          const t = await json(`${url}/task/${id}`).catch(() => undefined);
          finished = Boolean(t?.body.status?.completed);
          if (!finished) await new Promise((r) => setTimeout(r, 50));
        }
        if (finished) break;
        ({ child, url } = await startChild(dataDir, bridge.url));
        current = child;
      }
      const task = await waitForTask(url, id);
      expect(killedAt).toEqual([10, 40, 70]);
      expect(task).toMatchObject({ id, status: { completed: true, failed: false } });
      // AWS saw each weight exactly once, in order: nothing repeated, nothing skipped.
      expect(lambda.aliasLog.map(weightOf)).toEqual([10, 40, 70, 100]);
      expect(lambda.functions.get('shop-orders')!.aliases.get('live')).toMatchObject({ FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } });
      // No bake was cut short by a restart.
      const at = lambda.aliasLog.map((e) => e.at);
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(2000);
      const rollout = (await json(`${url}/lambda/rollouts/${id}`)).body;
      expect(rollout).toMatchObject({ state: 'SUCCEEDED', weight: 100, stepIndex: 3 });
      expect(rollout.events.filter((e: { kind: string }) => e.kind === 'resumed')).toHaveLength(3);
      expect(task.history.map((h: { status: string }) => h.status)).toContain('Resuming task after failure (0 step(s) already took effect)');
      await kill9(current!);
    } finally {
      await bridge.close();
    }
  }, 120_000);

  it('killed in the middle of a bake: the restarted process waits only the rest of it', async () => {
    const { lambda, cloudwatch } = await seededFakes();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outrigger-rollout-'));
    dirs.push(dataDir);
    const bridge = await startAwsBridge({ lambda, cloudwatch });
    try {
      const first = await startChild(dataDir, bridge.url);
      const res = await json(`${first.url}/lambda/rollouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', steps: [{ weight: 25, bakeSeconds: 4 }, { weight: 100 }], gates: { intervalSeconds: 1 } }),
      });
      expect(res.status).toBe(202);
      const id = res.body.id as string;
      while (lambda.aliasLog.length < 1) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 1500));
      await kill9(first.child);
      // While no process runs, the alias stays split and the store still names its owner.
      expect(weightOf(lambda.aliasLog[0]!)).toBe(25);
      const second = await startChild(dataDir, bridge.url);
      const task = await waitForTask(second.url, id);
      expect(task.status.failed).toBe(false);
      expect(lambda.aliasLog.map(weightOf)).toEqual([25, 100]);
      const [shift, promote] = lambda.aliasLog.map((e) => e.at) as [number, number];
      expect(promote - shift).toBeGreaterThanOrEqual(4000);
      // The step was not applied again after the restart: the bake went on from the stored step.
      const rollout = (await json(`${second.url}/lambda/rollouts/${id}`)).body;
      expect(rollout.events.filter((e: { kind: string }) => e.kind === 'weight').map((e: { weight: number }) => e.weight)).toEqual([25, 100]);
      expect(rollout.events.filter((e: { kind: string }) => e.kind === 'resumed')).toEqual([]);
      expect((await json(`${second.url}/tasks/${id}`)).body).toMatchObject({ status: 'SUCCEEDED' });
      await kill9(second.child);
    } finally {
      await bridge.close();
    }
  }, 60_000);
});

describe.skipIf(!pg)('two replicas on PostgreSQL: the replica running a rollout dies', () => {
  it('the other replica adopts the rollout mid-bake and finishes it: every weight once, no bake cut short, the same task id', async () => {
    const { lambda, cloudwatch } = await seededFakes();
    const bridge = await startAwsBridge({ lambda, cloudwatch });
    const storage = { type: 'postgres', url: pg!.url, schema: pg!.schema, heartbeatSeconds: 1, poolSize: 4 };
    try {
      const dirs2 = [mkdtempSync(path.join(tmpdir(), 'outrigger-rollout-a-')), mkdtempSync(path.join(tmpdir(), 'outrigger-rollout-b-'))];
      dirs.push(...dirs2);
      const [a, b] = await Promise.all([startChild(dirs2[0]!, bridge.url, storage), startChild(dirs2[1]!, bridge.url, storage)]);
      const res = await json(`${a.url}/lambda/rollouts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credentials: 'prod', region: 'us-east-1', functionName: 'shop-orders', aliasName: 'live', steps: [{ weight: 20, bakeSeconds: 5 }, { weight: 100 }], gates: { intervalSeconds: 1 } }),
      });
      expect(res.status).toBe(202);
      const id = res.body.id as string;
      while (lambda.aliasLog.length < 1) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 1000));
      // The pod running the rollout dies in the middle of the 5 s bake; the alias stays split, owned in the database.
      await kill9(a.child);
      expect(weightOf(lambda.aliasLog[0]!)).toBe(20);
      const task = await waitForTask(b.url, id);
      expect(task, JSON.stringify(task.resultObjects)).toMatchObject({ id, status: { completed: true, failed: false } });
      expect(lambda.aliasLog.map(weightOf)).toEqual([20, 100]);
      const [shift, promote] = lambda.aliasLog.map((e) => e.at) as [number, number];
      expect(promote - shift).toBeGreaterThanOrEqual(5000);
      const rollout = (await json(`${b.url}/lambda/rollouts/${id}`)).body;
      expect(rollout).toMatchObject({ state: 'SUCCEEDED', weight: 100 });
      expect(rollout.events.filter((e: { kind: string }) => e.kind === 'weight').map((e: { weight: number }) => e.weight)).toEqual([20, 100]);
      expect(lambda.functions.get('shop-orders')!.aliases.get('live')).toMatchObject({ FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } });
      await kill9(b.child);
    } finally {
      await bridge.close();
    }
  }, 90_000);
});
