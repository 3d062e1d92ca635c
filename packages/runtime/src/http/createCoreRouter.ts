import { Router, type RequestHandler } from 'express';
import type { Health } from '@outrigger/contract';
import type { Authorizer } from '../auth/createAuthorizer.js';
import type { Principal } from '../auth/Principal.js';
import { InputError, NotAllowedError, NotFoundError } from '../errors/errors.js';
import type { TaskRunner } from '../tasks/createTaskRunner.js';
import type { TaskRecord, TaskStore } from '../tasks/TaskStore.js';
import { toClouddriverTask, toWebhookStatus } from '../tasks/taskState.js';
import type { BindOperation } from './bindOperation.js';

export type HealthCheck = () => Promise<{ status: 'UP' | 'DOWN'; details?: Record<string, unknown> }>;

/**
 * `GET /health` (Spring's `{"status":"UP"}`, 503 when a part is DOWN), and the task views: `GET /task`,
 * `GET /task/{id}` (clouddriver's shape, what Orca polls) and `GET /tasks/{id}` (the webhook-stage status resource).
 * Tasks of accounts the caller may not read answer 404, as if they did not exist.
 */
export function createCoreRouter(deps: {
  bind: BindOperation;
  store: TaskStore;
  /** Resumes tasks (`POST /task/{id}:resume`). */
  tasks?: TaskRunner;
  authorizer: Authorizer;
  checks: Record<string, HealthCheck>;
  /** How long one run of the checks answers /health (default 1000 ms). */
  healthCacheMs?: number;
  /** Answers `GET /task/{id}` for ids this store does not know (the clouddriver passthrough forwards them). */
  onUnknownTask?: RequestHandler;
}): Router {
  const router = Router();
  const { bind, store, authorizer } = deps;
  const onUnknownTask = deps.onUnknownTask;
  if (onUnknownTask) {
    router.get('/task/:id', async (req, res, next) => {
      if (await store.get(String(req.params.id))) return next();
      onUnknownTask(req, res, next);
    });
    router.post('/task/:id\\:resume', async (req, res, next) => {
      if (await store.get(String((req.params as Record<string, string>).id))) return next();
      onUnknownTask(req, res, next);
    });
  }

  // Checks run at most once per `healthCacheMs` however often probes and load balancers ask; concurrent probes
  // share one run.
  const cacheMs = deps.healthCacheMs ?? 1000;
  let cached: { at: number; health: Promise<Health> } | undefined;
  async function runChecks(): Promise<Health> {
    const components: NonNullable<Health['components']> = {};
    for (const [name, check] of Object.entries(deps.checks)) {
      try {
        components[name] = await check();
      } catch (err) {
        components[name] = { status: 'DOWN', details: { error: (err as Error).message } };
      }
    }
    const status: Health['status'] = Object.values(components).every((c) => c.status === 'UP') ? 'UP' : 'DOWN';
    return { status, components };
  }
  bind(router, 'getHealth', async ({ res }) => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, health: runChecks() };
    const health = await cached.health;
    res.status(health.status === 'UP' ? 200 : 503);
    return health;
  });

  /**
   * Whose tasks a caller sees: tasks on accounts they may READ or WRITE (Orca polls a task as the user who started
   * it, and Fiat can grant WRITE alone), and the tasks they started themselves. clouddriver's TaskController does not
   * check at all; outrigger still hides other accounts' tasks.
   */
  const visibleAccounts = (principal: Principal) =>
    [...new Set([...authorizer.readableAccounts(principal), ...authorizer.writableAccounts(principal)].map((a) => a.name))];
  const startedBy = (task: TaskRecord, principal: Principal) => !principal.anonymous && task.user !== undefined && task.user === principal.user;

  async function readable(id: string, principal: Awaited<ReturnType<typeof authorizer.principalFor>>): Promise<TaskRecord> {
    const task = await store.get(id);
    if (!task) throw new NotFoundError(`Task not found (id: ${id})`);
    if (task.account && !visibleAccounts(principal).includes(task.account) && !startedBy(task, principal)) throw new NotFoundError(`Task not found (id: ${id})`);
    return task;
  }

  bind(router, 'listTasks', async ({ query, principal }) => {
    const accounts = visibleAccounts(await principal());
    return (await store.list({ limit: query.limit, accounts })).map(toClouddriverTask);
  });
  bind(router, 'getTask', async ({ params, principal }) => toClouddriverTask(await readable(params.id, await principal())));
  // clouddriver's OperationsController.resumeTask: 404 for an unknown id, 400 "Task is not retryable" otherwise.
  bind(router, 'resumeTask', async ({ params, principal }) => {
    const p = await principal();
    const task = await readable(params.id, p);
    if (task.account) {
      const account = authorizer.readableAccounts(p).find((a) => a.name === task.account);
      if (!account || !authorizer.canUse(p, account, 'WRITE')) throw new NotAllowedError(`Access denied to account ${task.account} - required authorization: WRITE`);
    }
    const ref = { id: task.id, resourceUri: `/task/${task.id}` };
    if (!task.completed) return ref; // already running (resumed by an earlier call)
    const resumed = task.failed && task.retryable && deps.tasks ? await deps.tasks.resume(task.id) : undefined;
    if (resumed) return ref;
    const again = await store.get(task.id);
    if (again && !again.completed) return ref; // another caller resumed it meanwhile
    throw new InputError('Task is not retryable', {
      errors: [{ field: '$.path.id', message: `task ${task.id} is ${task.failed ? 'failed and cannot continue safely' : 'not failed'}; it is not retryable` }],
    });
  });
  bind(router, 'getWebhookTaskStatus', async ({ params, principal }) => toWebhookStatus(await readable(params.id, await principal())));
  return router;
}
