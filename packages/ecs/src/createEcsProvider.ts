import express from 'express';
import type { EcsDeploymentFields, EcsResizeDescription, EcsServerGroupRef, EcsDeployRequest } from '@outrigger/contract';
import {
  dropNulls,
  jacksonLenient,
  EcsDeployRequestSchema,
  EcsDeploymentFieldsSchema,
  EcsResizeDescriptionSchema,
  EcsServerGroupRefSchema,
} from '@outrigger/contract';
import { describedAccount, fieldErrors, resolveAccounts, forwardForeignRequests, InputError, NotFoundError, type AccountConfig, type OperationInput, type Provider, type ProviderDeps, type TaskContext } from '@outrigger/runtime';
import { createEcsContext, type EcsContext } from './EcsContext.js';
import { deploy } from './operations/EcsDeploy.js';
import { createServerGroup, validateCreateDescription } from './operations/EcsCreateServerGroup.js';
import { destroyServerGroup } from './operations/EcsDestroyServerGroup.js';
import { disableServerGroup } from './operations/EcsDisableServerGroup.js';
import { enableServerGroup } from './operations/EcsEnableServerGroup.js';
import { resizeServerGroup } from './operations/EcsResizeServerGroup.js';
import { renderEcsTaskDefinition } from './operations/RenderEcsTaskDefinition.js';

type Work = (ctx: EcsContext, account: AccountConfig, task: TaskContext) => Promise<Record<string, unknown>>;

interface OpSpec {
  /** Validates a description (zod, then the op's own rules) and returns its account name and work. */
  prepare(description: unknown, field: string): { accountName: string | undefined; accountField: string; work: Work };
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, value: unknown, field: string): T {
  const r = schema.safeParse(jacksonLenient(schema as unknown as import('zod').ZodType, dropNulls(value)));
  if (!r.success) throw new InputError('Validation Failed', { errors: fieldErrors(field, r.error) });
  return r.data;
}

const accountOf = (d: { credentials?: string; account?: string }, field: string) => ({
  accountName: d.credentials ?? d.account,
  accountField: `${field}.${d.credentials ? 'credentials' : d.account ? 'account' : 'credentials'}`,
});

const refOp = (run: (ctx: EcsContext, a: AccountConfig, d: EcsServerGroupRef, t: TaskContext) => Promise<Record<string, unknown>>): OpSpec => ({
  prepare(value, field) {
    const d = parse<EcsServerGroupRef>(EcsServerGroupRefSchema, value, field);
    if (!d.serverGroupName && !d.asgName) throw new InputError('Validation Failed', { errors: [{ field: `${field}.serverGroupName`, message: 'not.nullable' }] });
    return { ...accountOf(d, field), work: (ctx, a, t) => run(ctx, a, d, t) };
  },
});

/** clouddriver's ECS operation names → how each is validated and run. */
const OPS: Record<string, OpSpec> = {
  createServerGroup: {
    prepare(value, field) {
      const d = parse<EcsDeploymentFields>(EcsDeploymentFieldsSchema, value, field);
      validateCreateDescription(d);
      return { ...accountOf(d, field), work: (ctx, a, t) => createServerGroup(ctx, d, a, t) };
    },
  },
  disableServerGroup: refOp(disableServerGroup),
  enableServerGroup: refOp(enableServerGroup),
  destroyServerGroup: refOp(destroyServerGroup),
  resizeServerGroup: {
    prepare(value, field) {
      const d = parse<EcsResizeDescription>(EcsResizeDescriptionSchema, value, field);
      return { ...accountOf(d, field), work: (ctx, a, t) => resizeServerGroup(ctx, a, d, t) };
    },
  },
  deploy: {
    prepare(value, field) {
      const d = parse<EcsDeployRequest>(EcsDeployRequestSchema, value, field);
      validateCreateDescription(d);
      return { ...accountOf(d, field), work: (ctx, a, t) => deploy(ctx, d, a, t) };
    },
  },
};

/**
 * The ECS provider: `POST /ecs/taskDefinitions/render` (and the kept renders clouddriver fetches), and
 * clouddriver-compatible `POST /ecs/ops[/{op}]` running as tasks (answer 202, `Location: /tasks/{id}`, body
 * `{id, resourceUri}`).
 */
export function createEcsProvider(deps: ProviderDeps, opts: { sleep?: (ms: number) => Promise<void>; now?: () => number } = {}): Provider {
  const ctx = createEcsContext(deps, opts);
  const router = express.Router();

  /**
   * ECS operations are served for ECS accounts only (clouddriver's `ecs.accounts`, by their own names): an AWS account
   * that no ECS account names (say, one added for Lambda) is not an ECS account here.
   */
  const requireEcsAccount = (account: AccountConfig, field: string) => {
    if (account.ecsEnabled) return account;
    const ecsNames = resolveAccounts(deps.config).filter((a) => a.ecsEnabled).map((a) => a.name);
    throw new InputError('Validation Failed', {
      errors: [{ field, message: `"${account.name}" is not an ECS account (ECS accounts: ${ecsNames.join(', ') || 'none'}; list them under ecs.accounts as in clouddriver)` }],
    });
  };
  type Entry = { op: string; value: unknown; field: string };
  const prepare = (operations: Entry[]) =>
    operations.map(({ op, value, field }) => {
      const spec = OPS[op];
      if (!spec) throw new InputError(`Unknown ECS operation ${op}.`, { errors: [{ field, message: `unknown operation; one of ${Object.keys(OPS).join(', ')}` }] });
      return { op, ...spec.prepare(value, field) };
    });
  const workFor =
    (prepared: (ReturnType<typeof prepare>[number] & { account: AccountConfig })[]) =>
    async (t: TaskContext) => {
      const results: Record<string, unknown>[] = [];
      for (const p of prepared) results.push(await p.work(ctx, p.account, t));
      return results;
    };
  // Every ECS operation can be resumed (`POST /task/{id}:resume`): each is written with `t.step`, or converges when
  // run again (disable/enable/resize/destroy). The stored input is the list of descriptions; WRITE was checked when
  // the task was submitted and again by the resume endpoint.
  const resumer = (input: Record<string, unknown>) => {
    const prepared = prepare(input.operations as Entry[]);
    return workFor(
      prepared.map((p) => {
        const account = ctx.ecsAccountByName(p.accountName ?? '');
        if (!account) throw new InputError(`The account ${p.accountName ?? '(none)'} is no longer configured; this task cannot be resumed.`);
        return { ...p, account };
      }),
    );
  };
  for (const op of Object.keys(OPS)) deps.tasks.resumable(op, resumer);
  // A list runs as one task named `op1,op2,…`: recognized from the start, so a process restarted after a kill -9
  // reports such a task retryable and resumes it (it never saw the list submitted).
  deps.tasks.resumableMatching((operation) => {
    const ops = operation.split(',');
    return ops.length > 1 && ops.every((o) => Object.hasOwn(OPS, o));
  }, resumer);

  async function submit(input: OperationInput<'ecsOperations'> | OperationInput<'ecsCreateServerGroup'>, operations: Entry[]) {
    const prepared = prepare(operations);
    const principal = await input.principal();
    const withAccounts = prepared.map((p) => ({ ...p, account: requireEcsAccount(deps.authorizer.requireAccount(principal, p.accountName, 'WRITE', p.accountField), p.accountField) }));
    const q = input.req.query.clientRequestId;
    const requestId = typeof q === 'string' && q.length > 0 && q.length <= 128 ? q : undefined;
    const operation = prepared.map((p) => p.op).join(',');
    const { task } = await deps.tasks.submit(
      { operation, account: withAccounts[0]!.account.name, user: principal.user, input: { operations }, ...(requestId ? { requestId } : {}) },
      workFor(withAccounts),
    );
    input.res.location(`${deps.baseUrl().replace(/\/+$/, '')}/tasks/${task.id}`);
    return { id: task.id, resourceUri: `/task/${task.id}` };
  }

  // In front of clouddriver (the passthrough is on), ECS operations for accounts outrigger does not serve go to the real
  // clouddriver untouched, so Orca's own ECS stages keep working for every other account. `deploy` is outrigger's own.
  if (deps.config.clouddriver.baseUrl) {
    const own = new Set(resolveAccounts(deps.config).filter((a) => a.ecsEnabled).map((a) => a.name));
    const foreign = (d: unknown) => {
      const name = describedAccount(d);
      return name !== undefined && !own.has(name);
    };
    const forward = (isForeign: (body: unknown) => boolean) => forwardForeignRequests({ bodyLimit: deps.config.server.bodyLimit, isForeign });
    router.post(
      '/ecs/ops',
      forward((body) => Array.isArray(body) && body.some((e) => e && typeof e === 'object' && Object.entries(e as Record<string, unknown>).some(([op, d]) => !(op in OPS) || foreign(d)))),
    );
    for (const op of ['createServerGroup', 'disableServerGroup', 'enableServerGroup', 'resizeServerGroup', 'destroyServerGroup']) {
      router.post(`/ecs/ops/${op}`, forward(foreign));
    }
  }

  deps.bind(router, 'renderEcsTaskDefinition', async (input) => renderEcsTaskDefinition(ctx, input.body, await input.principal()));
  deps.bind(router, 'getEcsRenderedTaskDefinition', async (input) => {
    const r = await ctx.renders.get(input.params.id);
    if (!r) throw new NotFoundError(`No render ${input.params.id}.`);
    return r.taskDefinition;
  });
  deps.bind(router, 'ecsOperations', (input) =>
    submit(
      input,
      input.body.map((entry, i) => {
        const keys = Object.keys(entry);
        if (keys.length !== 1) throw new InputError('Validation Failed', { errors: [{ field: `$.body[${i}]`, message: 'expected exactly one {operationName: description}' }] });
        return { op: keys[0]!, value: entry[keys[0]!], field: `$.body[${i}].${keys[0]}` };
      }),
    ),
  );
  for (const [op, id] of [
    ['createServerGroup', 'ecsCreateServerGroup'],
    ['disableServerGroup', 'ecsDisableServerGroup'],
    ['enableServerGroup', 'ecsEnableServerGroup'],
    ['resizeServerGroup', 'ecsResizeServerGroup'],
    ['destroyServerGroup', 'ecsDestroyServerGroup'],
    ['deploy', 'ecsDeploy'],
  ] as const) {
    deps.bind(router, id, (input) => submit(input as OperationInput<'ecsCreateServerGroup'>, [{ op, value: input.body, field: '$.body' }]));
  }
  return { name: 'ecs', router };
}
