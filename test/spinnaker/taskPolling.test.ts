// Replay: task polling and resume as Orca's MonitorKatoTask does it, against an outrigger task (an ECS red/black
// deploy whose UpdateService keeps being throttled, so the task fails retryable, then is resumed).
// orca/orca-clouddriver/src/main/groovy/com/netflix/spinnaker/orca/clouddriver/tasks/MonitorKatoTask.groovy
// (spinnaker/spinnaker @ b7c6db1), execute() :108-232:
//  - `kato.lookupTask(taskId.id, false)` :123 (GET /task/{id}; a 404 is retried up to MAX_NOTFOUND_RETRIES :126-136);
//  - katoStatusToTaskStatus :253-265: status.failed → TERMINAL, status.completed (and resultObjects when
//    `kato.result.expected`) → SUCCEEDED, else RUNNING;
//  - on SUCCEEDED `deploy.server.groups` from getServerGroupNames :287-310 (resultObjects[].serverGroupNames split at ':');
//  - `kato.tasks` keeps id, status, history, resultObjects, outputs and the EXCEPTION result object :179-191;
//  - shouldRetry :234-240 (TERMINAL && status.retryable) → `kato.resumeTask(katoTask.id)` :203 (POST /task/{id}:resume,
//    KatoService), a 404 there is final :207-210; the stage goes on RUNNING and polls the same id again.
import { describe, expect, it } from 'vitest';
import { throttling } from '../../packages/ecs/src/__fixtures__/FakeAws.js';
import { startEcsApp } from '../../packages/ecs/src/__fixtures__/startEcsApp.js';
import { orcaEcsDeployBody } from './fixtures/ecsBodies.js';

type KatoTask = { id: string; status: { completed: boolean; failed: boolean; retryable: boolean }; history: { phase: string; status: string }[]; resultObjects: Record<string, any>[]; outputs: unknown[] };

/** What MonitorKatoTask derives from one poll (the fields it reads, nothing else). */
function monitorKatoTask(t: KatoTask, katoResultExpected = false) {
  const status = t.status.failed ? 'TERMINAL' : t.status.completed ? (katoResultExpected && !t.resultObjects?.length ? 'RUNNING' : 'SUCCEEDED') : 'RUNNING';
  const deployServerGroups: Record<string, string[]> = {};
  if (status === 'SUCCEEDED')
    for (const o of t.resultObjects.filter(Boolean))
      for (const n of (o.serverGroupNames ?? []) as string[]) {
        const [region, sg] = n.includes(':') ? n.split(':') : ['region_missing', n];
        (deployServerGroups[region!] ??= []).push(sg!);
      }
  const katoTasks = { id: t.id, status: t.status, history: t.history, resultObjects: t.resultObjects, outputs: t.outputs, exception: t.resultObjects.find((o) => o.type === 'EXCEPTION') };
  return { status, deployServerGroups, katoTasks, shouldRetry: status === 'TERMINAL' && t.status.retryable === true };
}

// Orca's deploy context for outrigger's one-call ECS deploy (artifact mode).
const deployBody = orcaEcsDeployBody();

describe('task polling and resume as MonitorKatoTask does it', () => {
  it('TERMINAL + retryable → resume under the same id → SUCCEEDED with deploy.server.groups', async () => {
    const app = await startEcsApp();
    try {
      app.fake.seedService('shop-prod-v001', { desired: 2 });
      app.fake.failNext('UpdateService', throttling(), 20);
      const posted = await app.post('/ecs/ops/deploy', deployBody);
      expect(posted.status).toBe(202);
      const id = posted.body.id as string;

      const failed = monitorKatoTask(await app.task(id));
      expect(failed.status).toBe('TERMINAL');
      expect(failed.shouldRetry).toBe(true);
      expect(failed.katoTasks.outputs).toEqual([]);
      expect(failed.katoTasks.history.length).toBeGreaterThan(0);
      for (const h of failed.katoTasks.history) expect(h).toMatchObject({ phase: expect.any(String), status: expect.any(String) }); // Orca's TaskDisplayStatus
      // The EXCEPTION result object Orca copies into kato.tasks[].exception (kork's shape: type, message, details).
      expect(failed.katoTasks.exception).toMatchObject({ type: 'EXCEPTION', message: expect.stringMatching(/Rate exceeded/), details: expect.any(Object) });

      // kato.resumeTask(id): same id back.
      (app.fake as unknown as { failures: Map<string, Error[]> }).failures.clear();
      const resumed = await app.post(`/task/${id}:resume`, {});
      expect(resumed.status).toBe(200);
      expect(resumed.body).toEqual({ id, resourceUri: `/task/${id}` });

      const done = monitorKatoTask(await app.task(id), true);
      expect(done.status).toBe('SUCCEEDED');
      expect(done.deployServerGroups).toEqual({ 'us-east-1': ['shop-prod-v002'] });
      expect(done.katoTasks.exception).toBeUndefined();
      expect(done.katoTasks.history.map((h) => h.status).some((s) => s.startsWith('Resuming task after failure'))).toBe(true);
      // A finished, successful task is not resumed again (clouddriver: 400 "Task is not retryable").
      const again = await app.post(`/task/${id}:resume`, {});
      expect(again.status).toBe(400);
      expect(again.body.message).toMatch(/not retryable/);
    } finally {
      await app.close();
    }
  });

  it('an unknown task id is a 404 for lookupTask and for resumeTask (MonitorKatoTask treats a resume 404 as final)', async () => {
    const app = await startEcsApp();
    try {
      expect((await app.get('/task/no-such-task')).status).toBe(404);
      expect((await app.post('/task/no-such-task:resume', {})).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
