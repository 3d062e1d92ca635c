import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DeployLambdaProgressiveDescription, LambdaRolloutView } from '@outrigger/contract';
import {
  ConflictError,
  InputError,
  NotFoundError,
  type AccountConfig,
  type OperationInput,
  type Principal,
  type ProviderDeps,
  type TaskContext,
} from '@outrigger/runtime';
import type { Router } from 'express';
import { Counter, Gauge } from 'prom-client';
import type { OperationContext } from '../operations/OperationContext.js';
import { planSteps } from './plans.js';
import { createRolloutEngine, ROLLOUT_PHASE, type RollbackKind } from './RolloutEngine.js';
import { aliasKey, InMemoryRolloutStore, isActive, PostgresRolloutStore, SqliteRolloutStore, type RolloutRecord, type RolloutStore } from './RolloutStore.js';
import { validateRollout } from './validateRollout.js';

export const ROLLOUT_OPERATION = 'deployLambdaProgressive';

export interface RolloutOptions {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  /** The account's Lambda operation context for a region (clients, retries, waits). */
  contextFor(account: AccountConfig, region: string, status: (line: string) => Promise<void>): OperationContext;
  /** Replaces the store (tests). */
  store?: RolloutStore;
}

export function rolloutStoreFor(deps: ProviderDeps): RolloutStore {
  if (deps.postgres) return new PostgresRolloutStore(deps.postgres);
  if (deps.database) return new SqliteRolloutStore(deps.database);
  return new InMemoryRolloutStore();
}

/**
 * Progressive delivery: both deploy doors (clouddriver's `/aws/ops/deployLambdaProgressive` and the webhook door
 * `/lambda/rollouts`) submit one task whose work is the rollout engine; the rollout's id is the task's id. Rollouts
 * are resumable tasks: after a restart, `start()` resumes every rollout the store still calls active.
 */
export function createRollouts(deps: ProviderDeps, router: Router, o: RolloutOptions) {
  const store = o.store ?? rolloutStoreFor(deps);
  const registry = deps.metrics.registry;
  const rollbacks =
    (registry.getSingleMetric('outrigger_lambda_rollbacks_total') as Counter<'reason'> | undefined) ??
    new Counter({ name: 'outrigger_lambda_rollbacks_total', help: 'Lambda progressive rollouts rolled back, by the kind of gate that fired', labelNames: ['reason'] as const, registers: [registry] });
  if (!registry.getSingleMetric('outrigger_lambda_rollout_weight')) {
    new Gauge({
      name: 'outrigger_lambda_rollout_weight',
      help: 'Percent of an alias’s traffic on the new version, per running rollout',
      labelNames: ['rollout', 'account', 'region', 'function', 'alias'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await store.list({ active: true, limit: 1000 })) this.set({ rollout: r.id, account: r.account, region: r.region, function: r.functionName, alias: r.aliasName }, r.weight);
      },
    });
  }

  const accountNamed = (name: string) => deps.config.aws.accounts.find((a) => a.name === name);
  const engine = createRolloutEngine({
    store,
    logger: deps.logger,
    now: o.now,
    sleep: o.sleep,
    aws: (r, status) => {
      const account = accountNamed(r.account);
      if (!account) throw new InputError(`Account ${r.account} of rollout ${r.id} is no longer configured.`);
      return { ctx: o.contextFor(account, r.region, status), cloudwatch: () => deps.aws.client(CloudWatchClient, account, r.region) };
    },
    onRollback: (kind: RollbackKind) => rollbacks.inc({ reason: kind }),
  });
  const work = (id: string) => (ctx: TaskContext) => engine.run(id, ctx);
  deps.tasks.resumable(ROLLOUT_OPERATION, (_input, task) => work(task.id));

  async function start(input: OperationInput<'deployLambdaProgressive'> | OperationInput<'startLambdaRollout'>) {
    const d: DeployLambdaProgressiveDescription = input.body;
    const errors = validateRollout(d);
    if (errors.length) throw new InputError('Validation Failed', { errors });
    const principal = await input.principal();
    const account = deps.authorizer.requireAccount(principal, d.credentials, 'WRITE', '$.body.credentials');
    if (!account.lambdaEnabled)
      throw new InputError('AWS Lambda is not enabled for provided account.', { errors: [{ field: '$.body.credentials', message: 'lambdaEnabled is false' }] });
    const key = { account: account.name, region: d.region, functionName: d.functionName, aliasName: d.aliasName };
    const conflict = (owner: RolloutRecord) =>
      new ConflictError(`Alias ${d.aliasName} of ${d.functionName} (${account.name}/${d.region}) is being rolled out by ${owner.id} (${owner.state}, ${owner.weight}% on version ${owner.newVersion ?? '?'}); wait for it, or roll it back with POST /lambda/rollouts/${owner.id}/rollback.`);
    if (!input.query.clientRequestId) {
      const [owner] = (await store.list({ account: account.name, functionName: d.functionName, active: true, limit: 1000 })).filter((r) => aliasKey(r) === aliasKey(key));
      if (owner) throw conflict(owner);
    }
    // The rollout's id is the task's id: the task's work waits until the rollout is stored (or refused).
    let admitted!: (ok: boolean) => void;
    const gate = new Promise<boolean>((resolve) => (admitted = resolve));
    const { task, created } = await deps.tasks.submit(
      { operation: ROLLOUT_OPERATION, account: account.name, user: principal.user, input: d as Record<string, unknown>, ...(input.query.clientRequestId ? { requestId: input.query.clientRequestId } : {}) },
      async (ctx) => {
        if (!(await gate)) throw Object.assign(new Error('Another rollout owns this alias; this one never started.'), { name: 'RolloutRefused' });
        return engine.run(ctx.taskId, ctx);
      },
    );
    if (created) {
      const now = o.now();
      const steps = planSteps(d);
      const made = await store.create({
        id: task.id,
        ...key,
        description: d,
        ...(d.deploymentType ? { deploymentType: d.deploymentType } : {}),
        steps,
        state: 'RUNNING',
        phase: 'PREPARE',
        weight: 0,
        stepIndex: -1,
        pausedMs: 0,
        createdAt: now,
        updatedAt: now,
      });
      if (!made.created) {
        admitted(false);
        throw conflict(made.owner);
      }
      admitted(true);
    }
    return task.id;
  }

  deps.bind(router, 'deployLambdaProgressive', async (input) => {
    const id = await start(input);
    return { id, resourceUri: `/task/${id}` };
  });
  deps.bind(router, 'startLambdaRollout', async (input) => {
    const id = await start(input);
    input.res.location(`${deps.baseUrl().replace(/\/+$/, '')}/tasks/${id}`);
    return { id, resourceUri: `/task/${id}` };
  });

  const readable = (p: Principal) => deps.authorizer.readableAccounts(p).map((a) => a.name);
  async function view(r: RolloutRecord): Promise<LambdaRolloutView> {
    const step = r.steps[r.stepIndex];
    const paused = r.pausedMs + (r.state === 'PAUSED' && r.pausedAt ? o.now() - r.pausedAt : 0);
    return {
      id: r.id,
      account: r.account,
      region: r.region,
      functionName: r.functionName,
      aliasName: r.aliasName,
      ...(r.oldVersion ? { oldVersion: r.oldVersion } : {}),
      ...(r.newVersion ? { newVersion: r.newVersion } : {}),
      ...(r.deploymentType ? { deploymentType: r.deploymentType } : {}),
      state: r.state,
      phase: r.phase,
      weight: r.weight,
      stepIndex: r.stepIndex,
      steps: r.steps,
      ...(r.phase === 'SHIFT' && r.state === 'RUNNING' && step && r.stepStartedAt !== undefined && r.stepIndex < r.steps.length - 1
        ? { nextShiftAt: r.stepStartedAt + step.bakeSeconds * 1000 + paused }
        : {}),
      ...(r.rollbackReason ? { rollbackReason: r.rollbackReason } : {}),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      events: await store.events(r.id),
    };
  }
  /** A rollout the caller may see (READ), or WRITE for a control request; anything else is a 404 or 403. */
  async function load(id: string, principal: Principal, action: 'READ' | 'WRITE') {
    const r = await store.get(id);
    if (!r || !readable(principal).includes(r.account)) throw new NotFoundError(`No rollout ${id}.`);
    if (action === 'WRITE') deps.authorizer.requireAccount(principal, r.account, 'WRITE', '$.path.id');
    return r;
  }

  deps.bind(router, 'listLambdaRollouts', async ({ query, principal }) => {
    const rows = await store.list({
      accounts: readable(await principal()),
      ...(query.account ? { account: query.account } : {}),
      ...(query.functionName ? { functionName: query.functionName } : {}),
      ...(query.active ? { active: query.active === 'true' } : {}),
      limit: query.limit,
    });
    return Promise.all(rows.map(view));
  });
  deps.bind(router, 'getLambdaRollout', async ({ params, principal }) => view(await load(params.id, await principal(), 'READ')));

  type Control = 'pause' | 'resume' | 'skip' | 'promote' | 'rollback';
  async function control(id: string, principal: Principal, action: Control, reason: string | null | undefined) {
    const r = await load(id, principal, 'WRITE');
    const now = o.now();
    const refuse = (why: string) => new ConflictError(`Rollout ${id} ${why}; ${action} does not apply.`);
    if (!isActive(r.state)) throw refuse(`has ended (${r.state})`);
    const who = principal.user ? ` by ${principal.user}` : '';
    const why = reason ? `: ${reason}` : '';
    let after: RolloutRecord | undefined;
    if (action === 'pause') {
      if (r.state === 'PAUSED') throw refuse('is already paused');
      after = await store.update(id, { state: 'PAUSED', pausedAt: now }, now);
    } else if (action === 'resume') {
      if (r.state !== 'PAUSED') throw refuse('is not paused');
      after = await store.update(id, { state: 'RUNNING', pausedAt: null, pausedMs: r.pausedMs + (r.pausedAt ? now - r.pausedAt : 0) }, now);
    } else {
      if (r.phase === 'ROLLBACK') throw refuse('is rolling back');
      if (action !== 'rollback' && r.phase !== 'SHIFT') throw refuse(`is in phase ${r.phase}, not shifting traffic`);
      const unpause = r.state === 'PAUSED' ? { state: 'RUNNING' as const, pausedAt: null, pausedMs: r.pausedMs + (r.pausedAt ? now - r.pausedAt : 0) } : {};
      after = await store.update(id, { ...unpause, control: { action, at: now, ...(reason ? { reason } : {}), ...(principal.user ? { by: principal.user } : {}) } }, now);
    }
    await store.appendEvents(id, [{ at: now, kind: 'control', message: `${action} requested${who}${why}` }]);
    await deps.taskStore.appendHistory(id, ROLLOUT_PHASE, `${action} requested${who}${why}`, now).catch(() => {});
    engine.wake(id);
    return view(after ?? r);
  }
  const controls = [
    ['pauseLambdaRollout', 'pause'],
    ['resumeLambdaRollout', 'resume'],
    ['skipLambdaRolloutStep', 'skip'],
    ['promoteLambdaRollout', 'promote'],
    ['rollbackLambdaRollout', 'rollback'],
  ] as const;
  for (const [op, action] of controls) {
    deps.bind(router, op, async ({ params, body, principal }) => control(params.id, await principal(), action, body?.reason));
  }

  // CodeDeploy's PutLifecycleEventHookExecutionStatus. The hook knows the deployment id and an unguessable execution
  // id outrigger gave it; that pair is the authorization (a hook function has no Spinnaker identity).
  deps.bind(router, 'putLifecycleEventHookExecutionStatus', async ({ body }) => {
    const r = await store.get(body.deploymentId);
    const field = r && (['beforeHook', 'afterHook'] as const).find((f) => r[f]?.executionId === body.lifecycleEventHookExecutionId);
    if (!r || !field) throw new NotFoundError(`No lifecycle event hook execution ${body.lifecycleEventHookExecutionId} in deployment ${body.deploymentId}.`);
    const h = r[field]!;
    if (h.status !== 'Pending') {
      if (h.status === body.status) return { lifecycleEventHookExecutionId: h.executionId };
      throw new ConflictError(`Lifecycle event hook execution ${h.executionId} already reported ${h.status}.`);
    }
    const now = o.now();
    await store.update(r.id, { [field]: { ...h, status: body.status, reportedAt: now } }, now);
    engine.wake(r.id);
    return { lifecycleEventHookExecutionId: h.executionId };
  });

  /** Resumes every rollout the store says is active while no live task runs it (a restart, or a replica that died). */
  async function resumeOrphans() {
    for (const r of await store.list({ active: true, limit: 10_000 })) {
      const task = await deps.taskStore.get(r.id);
      if (task && !task.completed) continue;
      const resumed = await deps.tasks.resume(r.id);
      if (resumed) deps.logger.info({ rollout: r.id, function: r.functionName, alias: r.aliasName, step: r.stepIndex }, 'resumed lambda rollout');
      else deps.logger.warn({ rollout: r.id }, 'an active lambda rollout could not be resumed (its task is not failed-and-retryable)');
    }
  }
  let sweep: NodeJS.Timeout | undefined;

  return {
    store,
    engine,
    /** The running or paused rollout that owns an alias, if any. */
    async ownerOf(account: string, region: string, functionNames: string[], aliasName: string) {
      for (const functionName of new Set(functionNames)) {
        const [owner] = (await store.list({ account, functionName, active: true, limit: 1000 })).filter((r) => r.region === region && r.aliasName === aliasName);
        if (owner) return owner;
      }
      return undefined;
    },
    /**
     * Resumes orphaned rollouts now and then every 30 s: with a shared PostgreSQL store, another replica's orphan sweep
     * marks a dead replica's tasks failed-and-retryable, and a live replica picks its rollouts up.
     */
    async start() {
      await resumeOrphans();
      sweep = setInterval(() => void resumeOrphans().catch((err) => deps.logger.warn({ err }, 'lambda rollout resume sweep failed')), 30_000);
      sweep.unref();
    },
    stop() {
      clearInterval(sweep);
    },
  };
}
