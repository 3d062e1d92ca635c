// Resume (Orca's MonitorKatoTask → POST /task/{id}:resume for a failed, retryable task;
// orca/orca-clouddriver/src/main/groovy/com/netflix/spinnaker/orca/clouddriver/tasks/MonitorKatoTask.groovy
// (spinnaker/spinnaker @ b7c6db1): shouldRetry :234-240 (TERMINAL && status.retryable), `kato.resumeTask(katoTask.id)`
// :203, serverGroupNames read by getServerGroupNames :287-) of an ECS red/black deploy, interrupted at each step
// (the real-process SIGKILL variant is ecsKill9.test.ts):
//  - "crash": the process stops dead at that AWS call (no clean-up runs, as with kill -9); a new process on the same
//    SQLite file and the same AWS state marks the task failed and retryable, and Orca's resume goes on from the journal;
//  - "throttled": the call keeps failing with throttling until the task fails retryable, then the resume finishes it.
// End state in every case, exactly as without the interruption: one new serving server group (v002), the old one
// (v001) disabled, never a v003, the same task id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeAws, throttling } from '../../packages/ecs/src/__fixtures__/FakeAws.js';
import { startEcsApp } from '../../packages/ecs/src/__fixtures__/startEcsApp.js';
import { orcaEcsDeployBody } from './fixtures/ecsBodies.js';

const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Orca's deploy context for outrigger's one-call ECS deploy (artifact mode).
const deployBody = orcaEcsDeployBody();

const endState = (fake: FakeAws) => ({
  v001: fake.services.get('main/shop-prod-v001')?.desiredCount,
  v002: { status: fake.services.get('main/shop-prod-v002')?.status, desired: fake.services.get('main/shop-prod-v002')?.desiredCount },
  v003: fake.services.has('main/shop-prod-v003'),
});
const want = { v001: 0, v002: { status: 'ACTIVE', desired: 2 }, v003: false };

async function resumeAndFinish(app: Awaited<ReturnType<typeof startEcsApp>>, id: string, serving = 'shop-prod-v002') {
  const failed = await app.task(id);
  expect(failed.status, JSON.stringify(failed.resultObjects)).toMatchObject({ completed: true, failed: true, retryable: true });
  const r = await app.post(`/task/${id}:resume`, {});
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toEqual({ id, resourceUri: `/task/${id}` });
  const done = await app.task(id);
  expect(done.status, JSON.stringify(done.resultObjects)).toMatchObject({ completed: true, failed: false });
  expect(done.history.map((h: { status: string }) => h.status).some((s: string) => s.startsWith('Resuming task after failure'))).toBe(true);
  // What Orca reads: resultObjects[].serverGroupNames.
  expect(done.resultObjects.at(-1).serverGroupNames).toEqual([`us-east-1:${serving}`]);
  return done;
}

// The AWS calls of a red/black deploy, in order (the n-th call of that command).
const steps: [string, number][] = [
  ['RegisterTaskDefinition', 0],
  ['CreateService', 0],
  ['RegisterScalableTarget', 0],
  ['DescribeServices', 0],
  ['UpdateService', 0],
];

describe('resume of an ECS red/black deploy', () => {
  for (const [command, after] of steps) {
    it(`after the process died at ${command}: one new serving server group, the old one disabled, never a v003`, async () => {
      const fake = new FakeAws();
      fake.seedService('shop-prod-v001', { desired: 2 });
      const storage = { type: 'sqlite', path: path.join(dir, `${command}.db`) };
      const first = await startEcsApp({ fake, storage, ownerId: 'first@host' });
      fake.freezeAtCall(command, after);
      const res = await first.post('/ecs/ops/deploy', deployBody);
      expect(res.status).toBe(202);
      // Wait until the process is stuck at the frozen call, then "kill" it: nothing is drained or cleaned up.
      for (let i = 0; i < 500 && fake.freezeAt; i++) await new Promise((r) => setTimeout(r, 5));
      expect(fake.freezeAt).toBeUndefined();
      await first.abandon();

      const second = await startEcsApp({ fake, storage, ownerId: 'second@host' });
      try {
        await resumeAndFinish(second, res.body.id);
        expect(endState(fake)).toEqual(want);
      } finally {
        await second.close();
      }
    });

    it(`after ${command} kept being throttled: the resume finishes the job`, async () => {
      const fake = new FakeAws();
      fake.seedService('shop-prod-v001', { desired: 2 });
      const app = await startEcsApp({ fake });
      try {
        fake.failNext(command, throttling(), 20);
        const res = await app.post('/ecs/ops/deploy', deployBody);
        const failed = await app.task(res.body.id);
        expect(failed.status.failed).toBe(true);
        (fake as unknown as { failures: Map<string, Error[]> }).failures.clear(); // AWS answers again
        // A failure the task cleaned up after (the service was created, then removed: ECS drains it and cannot
        // re-create that name yet) resumes under the next name; otherwise under the same one.
        const cleanedUpService = command === 'RegisterScalableTarget';
        const serving = cleanedUpService ? 'shop-prod-v003' : 'shop-prod-v002';
        await resumeAndFinish(app, res.body.id, serving);
        const active = [...fake.services.values()].filter((x) => x.status === "ACTIVE" && (x.desiredCount ?? 0) > 0).map((x) => x.serviceName);
        expect(active).toEqual([serving]);
        expect(fake.services.get('main/shop-prod-v001')?.desiredCount).toBe(0);
        if (!cleanedUpService) expect(fake.services.has('main/shop-prod-v003')).toBe(false);
      } finally {
        await app.close();
      }
    });
  }
});
