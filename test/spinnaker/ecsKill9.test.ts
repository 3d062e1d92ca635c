// kill -9 proof for resume (issue 8, "Tasks"): a REAL outrigger child process (ECS provider, SQLite data dir) is
// SIGKILLed at each AWS step of an ECS red/black deploy — once while the call is held unapplied, once right after AWS
// applied it and before the process heard back — then a new process on the same SQLite file comes up, the task reads
// failed + retryable, and the test resumes it as Orca's MonitorKatoTask does (`kato.resumeTask` → `POST /task/{id}:resume`
// when `status.failed && status.retryable`; orca/orca-clouddriver/src/main/groovy/com/netflix/spinnaker/orca/clouddriver/
// tasks/MonitorKatoTask.groovy). End state, exactly as without the kill: one new serving server group (v002), the old
// one (v001) disabled, never a v003, the same task id, and no step that took effect done again.
// The AWS fakes (packages/ecs FakeAws) live in this process behind packages/lambda's HTTP bridge, so their state
// outlives the child; the kill points are deterministic (the bridge holds or reports the N-th call of a command).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAws } from '../../packages/ecs/src/__fixtures__/FakeAws.js';
import { startAwsBridge } from '../../packages/lambda/src/__fixtures__/awsBridge.js';
import { bundleChild, finishedTask as finished, kill9, postJson as post, startChild as start } from '@outrigger/runtime/testing';
import { orcaEcsDeployBody } from './fixtures/ecsBodies.js';

let bundle: Awaited<ReturnType<typeof bundleChild>>;
const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-kill9-'));

beforeAll(async () => {
  bundle = await bundleChild(fileURLToPath(new URL('./fixtures/ecsProcess.ts', import.meta.url)), fileURLToPath(new URL('./.test-bundle/', import.meta.url)), 'ecs');
});
afterAll(async () => {
  for (const c of children) await kill9(c);
  rmSync(dir, { recursive: true, force: true });
  bundle?.remove();
});

async function startChild(dbPath: string, bridgeUrl: string) {
  const config = {
    storage: { type: 'sqlite', path: dbPath },
    logging: { level: 'silent' },
    aws: { accounts: [{ name: 'prod', accountId: '123456789012', regions: ['us-east-1'] }] },
    ecs: { accounts: [{ name: 'prod', awsAccount: 'prod' }] },
  };
  const c = await start(bundle.file, config, { env: { AWS_BRIDGE_URL: bridgeUrl }, cwd: fileURLToPath(new URL('../../', import.meta.url)) });
  children.push(c.child);
  return c;
}

// Orca's deploy context for outrigger's one-call ECS deploy (artifact mode).
const deployBody = orcaEcsDeployBody();

// The AWS calls of a red/black deploy that change or read what the next step relies on, in order.
const STEPS = ['RegisterTaskDefinition', 'CreateService', 'RegisterScalableTarget', 'DescribeServices', 'UpdateService'];

describe('kill -9 of a real outrigger process during an ECS red/black deploy, then Orca resumes the task', () => {
  for (const command of STEPS) {
    for (const when of ['held', 'applied'] as const) {
      it(`SIGKILL at ${command} (${when === 'held' ? 'call not yet applied' : 'AWS applied it, answer never heard'}): v002 serving, v001 disabled, no v003`, async () => {
        const fake = new FakeAws();
        fake.seedService('shop-prod-v001', { desired: 2 });
        const fakes = new Proxy({}, { get: (_t, client: string) => ({ send: (cmd: never) => fake.send(client, cmd) }) });
        let victim: ChildProcess | undefined;
        let killed: Promise<void> | undefined;
        const hit = (c: string) => c === command && victim !== undefined;
        const strike = () => {
          const v = victim!;
          victim = undefined;
          killed = kill9(v);
          return killed;
        };
        const bridge = await startAwsBridge(fakes, {
          before: (_client, c) => (when === 'held' && hit(c) ? (void strike(), 'hold') : undefined),
          after: async (_client, c) => {
            if (when === 'applied' && hit(c)) await strike();
          },
        });
        const dbPath = path.join(dir, `${command}-${when}.db`);
        try {
          const first = await startChild(dbPath, bridge.url);
          victim = first.child;
          const res = await post(`${first.url}/ecs/ops/deploy`, deployBody);
          expect(res.status).toBe(202);
          const id = res.body.id as string;
          while (!killed) await new Promise((r) => setTimeout(r, 20));
          await killed;
          expect(first.child.signalCode).toBe('SIGKILL');
          const appliedBefore = fake.calls.filter((c) => c.command === command).length;

          const second = await startChild(dbPath, bridge.url);
          // What MonitorKatoTask reads before it resumes: a finished, failed, retryable task under the same id.
          const failed = await finished(second.url, id);
          expect(failed.status, JSON.stringify(failed.resultObjects)).toMatchObject({ completed: true, failed: true, retryable: true });
          const r = await post(`${second.url}/task/${id}:resume`, {});
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          expect(r.body).toEqual({ id, resourceUri: `/task/${id}` });
          const done = await finished(second.url, id);
          expect(done.status, JSON.stringify(done.resultObjects)).toMatchObject({ completed: true, failed: false });
          expect(done.history.some((h: { status: string }) => h.status.startsWith('Resuming task after failure'))).toBe(true);
          expect(done.resultObjects.at(-1).serverGroupNames).toEqual(['us-east-1:shop-prod-v002']);

          // End state, exactly as without the kill.
          expect(fake.services.get('main/shop-prod-v001')?.desiredCount).toBe(0);
          expect(fake.services.get('main/shop-prod-v002')).toMatchObject({ status: 'ACTIVE', desiredCount: 2 });
          expect(fake.services.has('main/shop-prod-v003')).toBe(false);
          const serving = [...fake.services.values()].filter((s) => s.status === 'ACTIVE' && (s.desiredCount ?? 0) > 0).map((s) => s.serviceName);
          expect(serving).toEqual(['shop-prod-v002']);
          // The service was created exactly once, whichever side of CreateService the process died on.
          expect(fake.calls.filter((c) => c.command === 'CreateService')).toHaveLength(1);
          expect(appliedBefore).toBe(when === 'held' ? 0 : 1);
          await kill9(second.child);
        } finally {
          await bridge.close();
        }
      }, 60_000);
    }
  }
});
