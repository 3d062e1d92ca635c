import { createHash, randomBytes } from 'node:crypto';
import {
  DeleteProvisionedConcurrencyConfigCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateAliasCommand,
  type AliasConfiguration,
  type FunctionConfiguration,
  type GetProvisionedConcurrencyConfigCommandOutput,
  type ListVersionsByFunctionCommandOutput,
  type PublishVersionCommandOutput,
} from '@aws-sdk/client-lambda';
import type { LambdaRolloutEvent } from '@outrigger/contract';
import { waitUntil, type TaskContext } from '@outrigger/runtime';
import type { Logger } from 'pino';
import { waitUntilFunctionReady } from '../aws/waitUntilFunctionReady.js';
import type { OperationContext } from '../operations/OperationContext.js';
import { readGates, type GateDeps, type GateReading } from './gates.js';
import type { HookExecution, PendingControl, RolloutPatch, RolloutRecord, RolloutState, RolloutStore } from './RolloutStore.js';
import { isActive } from './RolloutStore.js';

export const ROLLOUT_PHASE = 'DEPLOY_LAMBDA_PROGRESSIVE';
const HOOK_EVENTS = { beforeHook: 'BeforeAllowTraffic', afterHook: 'AfterAllowTraffic' } as const;

/** The task ends failed with this when a gate, a hook or a person rolled the alias back. Not resumable: it is final. */
export class RolloutRolledBack extends Error {
  override readonly name = 'RolloutRolledBack';
  readonly retryable = false;
}
/** The rollout could not start (alias missing or already split, version unknown…); the alias was not touched. */
export class RolloutRefused extends Error {
  override readonly name = 'RolloutRefused';
  readonly retryable = false;
}
/** A rollback itself failed: the rollout stays active (it still owns the alias) and resuming the task retries it. */
export class RolloutStuck extends Error {
  override readonly name = 'RolloutStuck';
  readonly retryable = true;
}

/**
 * Someone changed the alias outside the rollout (the console, the CLI, another tool) between two of its weight changes.
 * The rollout stops without touching the alias again: overwriting a person's change (often an emergency rollback) at
 * the next step would undo it. The task ends failed, not resumable; the alias stays as that person left it.
 */
export class RolloutInterfered extends Error {
  override readonly name = 'RolloutInterfered';
  readonly retryable = false;
}

/** Which kind of gate made a rollback (the `reason` label of `outrigger_lambda_rollbacks_total`). */
export type RollbackKind = 'alarm' | 'metric' | 'invoke' | 'hook' | 'manual' | 'error';

export interface RolloutAws {
  ctx: OperationContext;
  cloudwatch(): unknown;
}

export interface EngineDeps {
  store: RolloutStore;
  logger: Logger;
  now(): number;
  /** Sleeps `ms`; an aborted `signal` ends the sleep early (a wake-up). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The account's clients for the rollout's region (`status` appends a task history line). */
  aws(r: RolloutRecord, status: (line: string) => Promise<void>): RolloutAws;
  onRollback(kind: RollbackKind): void;
}

type Outcome = { kind: RollbackKind; reason: string };

const CONFIG_FIELDS = [
  'Runtime',
  'Handler',
  'Role',
  'MemorySize',
  'Timeout',
  'Environment',
  'Layers',
  'VpcConfig',
  'DeadLetterConfig',
  'TracingConfig',
  'KMSKeyArn',
  'Architectures',
  'EphemeralStorage',
  'ImageConfigResponse',
  'SnapStart',
  'LoggingConfig',
  'FileSystemConfigs',
  'PackageType',
] as const;

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([k, x]) => x !== undefined && x !== null && k !== 'VpcId' && k !== 'Ipv6AllowedForDualStack' && k !== 'OptimizationStatus' && k !== 'CodeSize' && k !== 'SigningJobArn' && k !== 'SigningProfileVersionArn')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, canonical(x)]),
    );
  return v;
}

/** A hash of what a published version freezes besides code: a change here (or in CodeSha256) calls for a new version. */
export function configurationHash(c: FunctionConfiguration): string {
  const picked = Object.fromEntries(CONFIG_FIELDS.map((k) => [k, (c as Record<string, unknown>)[k]]));
  if (Array.isArray(picked.Layers)) picked.Layers = (picked.Layers as { Arn?: string }[]).map((l) => l.Arn);
  return createHash('sha256').update(JSON.stringify(canonical(picked))).digest('hex');
}

const asked = (c: PendingControl) => `${c.action} requested${c.by ? ` by ${c.by}` : ''}${c.reason ? `: ${c.reason}` : ''}`;
const weightsOf = (a: AliasConfiguration) => a.RoutingConfig?.AdditionalVersionWeights ?? {};

/**
 * The progressive rollout state machine. Every step is stored before and after it takes effect, so `run` can be
 * called again for the same rollout after a restart (the task is resumed) and continues where the store says:
 * PREPARE → PROVISION → BEFORE_ALLOW_TRAFFIC → SHIFT (steps, bakes, gates, manual controls) → AFTER_ALLOW_TRAFFIC →
 * DONE, or ROLLBACK from any point after the alias was first touched.
 */
export function createRolloutEngine(deps: EngineDeps) {
  const { store } = deps;
  const wakers = new Map<string, Set<() => void>>();

  /** Sleeps up to `ms`, or less when a control request or a hook report wakes the rollout, or the task is stopped. */
  function wait(id: string, ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
    return new Promise<void>((resolve, reject) => {
      const set = wakers.get(id) ?? new Set();
      wakers.set(id, set);
      const stop = new AbortController();
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        set.delete(done);
        signal.removeEventListener('abort', onAbort);
        stop.abort();
        resolve();
      };
      const onAbort = () => {
        if (settled) return;
        settled = true;
        set.delete(done);
        stop.abort();
        reject(signal.reason ?? new Error('aborted'));
      };
      set.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
      deps.sleep(Math.max(0, ms), stop.signal).then(done, done);
    });
  }

  async function run(id: string, task: TaskContext): Promise<Record<string, unknown>> {
    let r = (await store.get(id))!;
    if (!r) throw new RolloutRefused(`No rollout ${id} is stored; nothing to run.`);
    const aws = deps.aws(r, (line) => task.updateStatus(ROLLOUT_PHASE, line));
    const { ctx } = aws;
    const fn = r.functionName;
    const alias = r.aliasName;
    const d = r.description;
    const intervalMs = (d.gates?.intervalSeconds ?? 60) * 1000;

    const note = async (e: Omit<LambdaRolloutEvent, 'at'>) => {
      const ev = { at: deps.now(), ...e } as LambdaRolloutEvent;
      await store.appendEvents(id, [ev]);
      await task.updateStatus(ROLLOUT_PHASE, e.message);
    };
    const save = async (patch: RolloutPatch) => {
      r = (await store.update(id, patch, deps.now())) ?? r;
      return r;
    };
    const reload = async () => {
      r = (await store.get(id)) ?? r;
      return r;
    };

    const getAlias = () => ctx.send<AliasConfiguration>(ctx.lambda, new GetAliasCommand({ FunctionName: fn, Name: alias }));
    const aliasIs = (a: AliasConfiguration, weight: number) => {
      const w = weightsOf(a);
      if (weight >= 100) return a.FunctionVersion === r.newVersion && Object.keys(w).length === 0;
      if (weight <= 0) return a.FunctionVersion === r.oldVersion && Object.keys(w).length === 0;
      return a.FunctionVersion === r.oldVersion && Object.keys(w).length === 1 && Math.abs((w[r.newVersion!] ?? -1) - weight / 100) < 1e-9;
    };
    const setAlias = (weight: number) =>
      ctx.send(
        ctx.lambda,
        new UpdateAliasCommand({
          FunctionName: fn,
          Name: alias,
          FunctionVersion: weight >= 100 ? r.newVersion! : r.oldVersion!,
          RoutingConfig: { AdditionalVersionWeights: weight > 0 && weight < 100 ? { [r.newVersion!]: weight / 100 } : {} },
        }),
      );

    // ---- provisioned concurrency ------------------------------------------------------------------------------------
    const pcOf = async (qualifier: string) => {
      try {
        return await ctx.send<GetProvisionedConcurrencyConfigCommandOutput>(ctx.lambda, new GetProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: qualifier }));
      } catch (err) {
        if ((err as Error).name === 'ProvisionedConcurrencyConfigNotFoundException' || (err as Error).name === 'ResourceNotFoundException') return undefined;
        throw err;
      }
    };
    const putPc = async (qualifier: string, n: number) => {
      const current = await pcOf(qualifier);
      if (current?.RequestedProvisionedConcurrentExecutions !== n)
        await ctx.send(ctx.lambda, new PutProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: qualifier, ProvisionedConcurrentExecutions: n }));
      await waitUntil(
        `provisioned concurrency of ${fn}:${qualifier} to become READY`,
        async () => {
          const c = await pcOf(qualifier);
          if (c?.Status === 'READY') return { state: 'SUCCESS', value: c };
          if (c?.Status === 'FAILED') return { state: 'FAILURE', reason: c.StatusReason ?? 'FAILED' };
          return { state: 'RETRY', reason: c?.Status ?? 'missing' };
        },
        { minDelayMs: 2_000, maxDelayMs: 15_000, maxWaitMs: ctx.config.stabilizeTimeoutSeconds * 1000, sleep: deps.sleep, now: deps.now },
      );
    };
    const deletePc = async (qualifier: string) => {
      if (await pcOf(qualifier)) await ctx.send(ctx.lambda, new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: qualifier }));
    };
    /**
     * After the alias stopped splitting (it serves `target` alone): the alias gets its own provisioned concurrency back,
     * and the version-level allocations outrigger added are released. Without alias-level concurrency, the new version
     * keeps what was asked for it on success and releases it on rollback.
     */
    const restoreProvisioned = async (target: string) => {
      if (!r.versionProvisioned) return;
      const other = target === r.newVersion ? r.oldVersion! : r.newVersion!;
      if (r.aliasProvisioned) {
        await deletePc(target);
        await putPc(alias, r.aliasProvisioned);
        await deletePc(other);
        await note({ kind: 'provisioned', message: `Restored ${r.aliasProvisioned} provisioned executions on alias ${alias} (version ${target})` });
      } else if (target === r.oldVersion) {
        await deletePc(r.newVersion!);
        await note({ kind: 'provisioned', message: `Released the provisioned concurrency of version ${r.newVersion}` });
      }
    };

    // ---- the phases -------------------------------------------------------------------------------------------------
    async function prepare(): Promise<'go' | 'nothing'> {
      let a: AliasConfiguration;
      try {
        a = await getAlias();
      } catch (err) {
        if ((err as Error).name === 'ResourceNotFoundException')
          throw new RolloutRefused(`Alias ${alias} of ${fn} does not exist. Create it on the version serving today, then shift to the new one.`);
        throw err;
      }
      const split = Object.entries(weightsOf(a));
      if (split.length)
        throw new RolloutRefused(
          `Alias ${alias} of ${fn} is already split (${split.map(([v, w]) => `${Math.round(w * 1000) / 10}% on version ${v}`).join(', ')}) and no outrigger rollout owns it. Finish or undo that split first.`,
        );
      const oldVersion = a.FunctionVersion!;
      if (oldVersion === '$LATEST') throw new RolloutRefused(`Alias ${alias} of ${fn} points at $LATEST; weighted routing needs published versions. Point it at a version first.`);
      let newVersion: string;
      const target = d.targetVersion;
      if (target && target !== '$LATEST') {
        try {
          await ctx.send(ctx.lambda, new GetFunctionConfigurationCommand({ FunctionName: fn, Qualifier: target }));
        } catch (err) {
          if ((err as Error).name === 'ResourceNotFoundException') throw new RolloutRefused(`Version ${target} of ${fn} does not exist.`);
          throw err;
        }
        newVersion = target;
        await note({ kind: 'version', message: `Target version ${newVersion} (alias ${alias} serves version ${oldVersion})` });
      } else {
        newVersion = await publishIfChanged();
      }
      const aliasPc = await pcOf(alias);
      await save({ oldVersion, newVersion, ...(aliasPc?.RequestedProvisionedConcurrentExecutions ? { aliasProvisioned: aliasPc.RequestedProvisionedConcurrentExecutions } : {}) });
      if (newVersion === oldVersion) return 'nothing';
      // Missing alarms are a configuration error: found before any traffic moves.
      const alarms = d.gates?.alarms ?? [];
      if (alarms.length) {
        const readings = await readGates(gateDeps(), { alarms });
        const missing = readings.filter((g) => g.value === 'MISSING');
        if (missing.length) throw new RolloutRefused(missing.map((m) => m.message).join('; '));
      }
      return 'go';
    }

    async function publishIfChanged(): Promise<string> {
      const latest = await waitUntilFunctionReady(ctx, fn, { requireSuccess: true });
      const versions: FunctionConfiguration[] = [];
      let marker: string | undefined;
      do {
        const page = await ctx.send<ListVersionsByFunctionCommandOutput>(ctx.lambda, new ListVersionsByFunctionCommand({ FunctionName: fn, ...(marker ? { Marker: marker } : {}) }));
        versions.push(...(page.Versions ?? []));
        marker = page.NextMarker;
      } while (marker);
      const newest = versions.filter((v) => /^\d+$/.test(v.Version ?? '')).sort((x, y) => Number(y.Version) - Number(x.Version))[0];
      if (newest && newest.CodeSha256 === latest.CodeSha256 && configurationHash(newest) === configurationHash(latest)) {
        await note({ kind: 'version', message: `$LATEST has the code (CodeSha256 ${latest.CodeSha256}) and configuration of version ${newest.Version}; not publishing` });
        return newest.Version!;
      }
      const why = !newest ? 'no version published yet' : newest.CodeSha256 !== latest.CodeSha256 ? 'code changed' : 'configuration changed';
      const out = await ctx.send<PublishVersionCommandOutput>(
        ctx.lambda,
        new PublishVersionCommand({
          FunctionName: fn,
          ...(latest.CodeSha256 ? { CodeSha256: latest.CodeSha256 } : {}),
          ...(latest.RevisionId ? { RevisionId: latest.RevisionId } : {}),
          ...(d.versionDescription ? { Description: d.versionDescription } : {}),
        }),
      );
      await note({ kind: 'version', message: `Published version ${out.Version} of ${fn} (${why} since ${newest ? `version ${newest.Version}` : 'creation'})` });
      return out.Version!;
    }

    async function provision() {
      const n = d.provisionedConcurrentExecutions ?? r.aliasProvisioned;
      if (!n) return;
      await save({ versionProvisioned: n });
      await note({ kind: 'provisioned', message: `Putting ${n} provisioned executions on version ${r.newVersion} and waiting for READY before any traffic moves` });
      await putPc(r.newVersion!, n);
      if (r.aliasProvisioned) {
        // Lambda refuses weighted routing on an alias with provisioned concurrency: the old version keeps its warm
        // capacity as a version-level allocation while the alias splits, and the alias gets its own back at the end.
        await putPc(r.oldVersion!, r.aliasProvisioned);
        await deletePc(alias);
        await note({ kind: 'provisioned', message: `Moved alias ${alias}'s ${r.aliasProvisioned} provisioned executions to version ${r.oldVersion} while traffic shifts` });
      }
      await note({ kind: 'provisioned', message: `Provisioned concurrency on version ${r.newVersion} is READY` });
    }

    async function hook(field: 'beforeHook' | 'afterHook'): Promise<Outcome | undefined> {
      const event = HOOK_EVENTS[field];
      const target = field === 'beforeHook' ? d.hooks?.beforeAllowTraffic : d.hooks?.afterAllowTraffic;
      if (!target) return undefined;
      const timeoutMs = (d.hooks?.timeoutSeconds ?? 3600) * 1000;
      let h: HookExecution | undefined = r[field];
      if (!h) {
        h = { functionName: target, executionId: randomBytes(24).toString('hex'), status: 'Pending' };
        await save({ [field]: h });
      }
      if (!h.invokedAt) {
        await ctx.send(
          ctx.lambda,
          new InvokeCommand({
            FunctionName: target,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify({ DeploymentId: id, LifecycleEventHookExecutionId: h.executionId })),
          }),
        );
        const now = deps.now();
        await reload();
        h = { ...(r[field] ?? h), invokedAt: now };
        await save({ [field]: h });
        await note({ kind: 'hook', gate: `hook:${event}`, message: `${event} hook ${target} invoked; waiting up to ${timeoutMs / 1000}s for its PutLifecycleEventHookExecutionStatus` });
      }
      for (;;) {
        await reload();
        h = r[field]!;
        if (r.control?.action === 'rollback') return { kind: 'manual', reason: asked(r.control) };
        if (h.status === 'Succeeded') {
          await note({ kind: 'hook', gate: `hook:${event}`, value: 'Succeeded', threshold: 'Succeeded', passed: true, message: `${event} hook ${target} reported Succeeded` });
          return undefined;
        }
        if (h.status === 'Failed') {
          await note({ kind: 'hook', gate: `hook:${event}`, value: 'Failed', threshold: 'Succeeded', passed: false, message: `${event} hook ${target} reported Failed` });
          return { kind: 'hook', reason: `${event} hook ${target} reported Failed (value Failed, threshold Succeeded)` };
        }
        const left = h.invokedAt! + timeoutMs - deps.now();
        if (left <= 0) {
          await note({ kind: 'hook', gate: `hook:${event}`, value: 'Pending', threshold: 'Succeeded', passed: false, message: `${event} hook ${target} did not report within ${timeoutMs / 1000}s` });
          return { kind: 'hook', reason: `${event} hook ${target} did not report within ${timeoutMs / 1000}s (value no report, threshold ${timeoutMs / 1000}s)` };
        }
        await wait(id, Math.min(left, intervalMs, 15_000), task.signal);
      }
    }

    const gateDeps = (): GateDeps => ({
      functionName: fn,
      aliasName: alias,
      newVersion: r.newVersion!,
      oldVersion: r.oldVersion!,
      now: deps.now,
      send: (c, cmd) => ctx.send(c, cmd),
      lambda: ctx.lambda,
      cloudwatch: aws.cloudwatch,
    });

    /** Reads every gate and stores each reading; returns the first failure. */
    async function checkGates(): Promise<Outcome | undefined> {
      const readings: GateReading[] = await readGates(gateDeps(), d.gates);
      if (!readings.length) return undefined;
      const at = deps.now();
      await store.appendEvents(
        id,
        readings.map((g) => ({ at, kind: 'gate', step: r.stepIndex, weight: r.weight, gate: g.gate, value: g.value, threshold: g.threshold, passed: g.passed, message: g.message })),
      );
      for (const g of readings) await task.updateStatus(ROLLOUT_PHASE, `${g.passed ? 'gate ok' : 'GATE FAILED'}: ${g.message}`);
      const failed = readings.find((g) => !g.passed);
      if (!failed) return undefined;
      const kind: RollbackKind = failed.gate.startsWith('alarm:') ? 'alarm' : failed.gate.startsWith('metric:') ? 'metric' : 'invoke';
      return { kind, reason: `${failed.message} (gate ${failed.gate}, value ${failed.value ?? 'none'}, threshold ${failed.threshold ?? 'none'})` };
    }

    /** How an alias routes, in words: `version 1` or `version 1 with 20% on version 2`. */
    const describeAlias = (a: AliasConfiguration) => {
      const split = Object.entries(weightsOf(a));
      return `version ${a.FunctionVersion}${split.map(([v, x]) => ` with ${Math.round(x * 1000) / 10}% on version ${v}`).join('')}`;
    };

    /** The failure when someone changed the alias away from `left` (the weight this rollout last set). */
    const interfered = (current: AliasConfiguration, left: number, when: string) => {
      const where = left <= 0 ? `version ${r.oldVersion}` : left >= 100 ? `version ${r.newVersion}` : `version ${r.oldVersion} with ${left}% on version ${r.newVersion}`;
      return new RolloutInterfered(
        `Alias ${alias} of ${fn} was changed outside this rollout: it routes to ${describeAlias(current)}, where the rollout left ${where}. ` +
          `The rollout stopped ${when} and left the alias (and its provisioned concurrency) as it is; ` +
          `start a new rollout once the alias serves one version.`,
      );
    };
    /** During a bake: the alias must still be where this rollout left it. */
    async function checkAliasUnchanged() {
      const current = await getAlias();
      if (!aliasIs(current, r.weight)) throw interfered(current, r.weight, `during the bake of step ${r.stepIndex + 1} of ${r.steps.length}`);
    }

    async function applyStep(k: number) {
      const w = r.steps[k]!.weight;
      // The alias should still be where this rollout left it (or already where it is going, after a crash).
      const left = r.stepIndex < 0 ? 0 : r.weight;
      const resuming = r.pendingStep === k;
      // Stored before AWS is asked, so a restart knows a change may be under way. A change AWS already shows is not
      // sent again; since when it took effect is unknown (between `pendingAt` and the crash), its bake counts from now:
      // a bake may be longer after a crash, never shorter.
      if (!resuming) await save({ pendingStep: k, pendingAt: deps.now() });
      const current = await getAlias();
      if (!resuming && !aliasIs(current, left) && !aliasIs(current, w)) throw interfered(current, left, `before step ${k + 1} of ${r.steps.length}`);
      if (!aliasIs(current, w)) await setAlias(w);
      await save({ stepIndex: k, weight: w, stepStartedAt: deps.now(), pausedMs: 0, pendingStep: null, pendingAt: null });
      await note({ kind: 'weight', step: k, weight: w, message: `${alias}: ${w}% on version ${r.newVersion}${w < 100 ? `, ${100 - w}% on version ${r.oldVersion}` : ''} (step ${k + 1} of ${r.steps.length})` });
    }

    async function shift(): Promise<Outcome | undefined> {
      let checkedAt = -1;
      for (;;) {
        await reload();
        if (r.pendingStep !== undefined) {
          // A weight change was under way when the process stopped: finish it (or see that it took effect).
          await note({ kind: 'resumed', step: r.pendingStep, message: `Resuming the weight change of step ${r.pendingStep + 1}` });
          await applyStep(r.pendingStep);
          continue;
        }
        const last = r.steps.length - 1;
        const c = r.control;
        if (c?.action === 'rollback') return { kind: 'manual', reason: asked(c) };
        if (c && (c.action === 'skip' || c.action === 'promote')) {
          const next = c.action === 'promote' ? last : Math.min(last, r.stepIndex + 1);
          await save({ control: null });
          await note({ kind: 'decision', message: `${c.action === 'promote' ? 'Promoting to 100%' : 'Skipping to the next step'}: ${asked(c)}` });
          if (next > r.stepIndex) await applyStep(next);
          else if (r.stepIndex === last) return undefined;
          continue;
        }
        const now = deps.now();
        if (r.stepIndex < 0) {
          await applyStep(0);
          continue;
        }
        const step = r.steps[r.stepIndex]!;
        const pausedFor = r.pausedMs + (r.state === 'PAUSED' && r.pausedAt ? now - r.pausedAt : 0);
        const due = r.stepStartedAt! + step.bakeSeconds * 1000 + pausedFor;
        if (r.state === 'PAUSED' || now < due) {
          await wait(id, r.state === 'PAUSED' ? intervalMs : Math.min(intervalMs, due - now), task.signal);
          const after = await reload();
          if (after.control) continue;
          // A person's change to the alias (often an emergency rollback) is seen within one interval, and never undone.
          await checkAliasUnchanged();
          const failed = await checkGates();
          checkedAt = deps.now();
          if (failed) return failed;
          continue;
        }
        // The bake is over: one more reading before the weight moves (unless one was just taken).
        if (step.bakeSeconds > 0 && checkedAt < now) {
          const failed = await checkGates();
          checkedAt = deps.now();
          if (failed) return failed;
        }
        if (r.stepIndex === last) return undefined;
        await note({ kind: 'decision', step: r.stepIndex, message: `Step ${r.stepIndex + 1} baked ${step.bakeSeconds}s with every gate passing; moving on` });
        await applyStep(r.stepIndex + 1);
      }
    }

    async function rollBack(o: Outcome): Promise<never> {
      await save({ phase: 'ROLLBACK', rollbackReason: o.reason });
      await note({ kind: 'decision', message: `Rolling back: ${o.reason}` });
      try {
        if (r.newVersion && r.oldVersion) {
          const a = await getAlias();
          if (!aliasIs(a, 0)) await setAlias(0);
          await restoreProvisioned(r.oldVersion);
        }
      } catch (err) {
        const msg = `Rolling back ${fn}:${alias} failed (${(err as Error).name}: ${(err as Error).message}); the rollout still owns the alias and resuming the task retries the rollback.`;
        await note({ kind: 'decision', message: msg });
        throw new RolloutStuck(msg, { cause: err });
      }
      await finish('ROLLED_BACK', 0);
      deps.onRollback(o.kind);
      await note({ kind: 'finished', message: `${alias} is back on version ${r.oldVersion} with no additional weight` });
      throw new RolloutRolledBack(`Rolled back ${fn}:${alias} to version ${r.oldVersion}: ${o.reason}`);
    }

    async function finish(state: RolloutState, weight: number) {
      await save({ state, phase: 'DONE', weight, pendingStep: null, pendingAt: null, control: null, pausedAt: null });
    }

    const result = () => ({
      rolloutId: id,
      functionName: fn,
      aliasName: alias,
      oldVersion: r.oldVersion,
      newVersion: r.newVersion,
      version: r.newVersion,
      state: r.state,
      weight: r.weight,
    });

    // ---- the run ----------------------------------------------------------------------------------------------------
    if (!isActive(r.state)) {
      if (r.state === 'SUCCEEDED') return result();
      throw new RolloutRolledBack(r.rollbackReason ?? `Rollout ${id} ended ${r.state}`);
    }
    try {
      if (r.phase === 'ROLLBACK') return await rollBack({ kind: 'error', reason: r.rollbackReason ?? 'rollback under way when outrigger stopped' });
      if (r.phase === 'PREPARE') {
        await note({ kind: 'started', message: `Rollout of ${fn}:${alias}: ${r.steps.map((s) => `${s.weight}%${s.bakeSeconds ? `/${s.bakeSeconds}s` : ''}`).join(' → ')}` });
        if ((await prepare()) === 'nothing') {
          await finish('SUCCEEDED', 100);
          await note({ kind: 'finished', message: `${alias} already serves version ${r.newVersion}; nothing to shift` });
          return result();
        }
        await save({ phase: 'PROVISION' });
      }
      if (r.phase === 'PROVISION') {
        await provision();
        await save({ phase: 'BEFORE_ALLOW_TRAFFIC' });
      }
      if (r.phase === 'BEFORE_ALLOW_TRAFFIC') {
        const failed = await hook('beforeHook');
        if (failed) return await rollBack(failed);
        await save({ phase: 'SHIFT' });
      }
      if (r.phase === 'SHIFT') {
        const failed = await shift();
        if (failed) return await rollBack(failed);
        await save({ phase: 'AFTER_ALLOW_TRAFFIC' });
      }
      if (r.phase === 'AFTER_ALLOW_TRAFFIC') {
        const failed = await hook('afterHook');
        if (failed) return await rollBack(failed);
        await restoreProvisioned(r.newVersion!);
        await finish('SUCCEEDED', 100);
        await note({ kind: 'finished', message: `${alias} serves version ${r.newVersion} (100%)` });
      }
      return result();
    } catch (err) {
      if (err instanceof RolloutRolledBack || err instanceof RolloutStuck) throw err;
      if (err instanceof RolloutInterfered) {
        await finish('FAILED', r.weight);
        await note({ kind: 'finished', message: err.message });
        throw err;
      }
      if (task.signal.aborted) throw Object.assign(new Error(`outrigger stopped during the rollout of ${fn}:${alias}; it continues from step ${r.stepIndex + 1} when resumed`), { retryable: true });
      if (err instanceof RolloutRefused || r.phase === 'PREPARE') {
        await finish('FAILED', 0);
        await note({ kind: 'finished', message: `Rollout refused: ${(err as Error).message}` });
        throw err;
      }
      deps.logger.warn({ err, rollout: id }, 'rollout failed; rolling back');
      return await rollBack({ kind: 'error', reason: `${(err as Error).name}: ${(err as Error).message}` });
    }
  }

  return {
    run,
    /** Makes a waiting rollout look at its record now (a control request or a hook report arrived). */
    wake(id: string) {
      for (const w of [...(wakers.get(id) ?? [])]) w();
    },
  };
}
export type RolloutEngine = ReturnType<typeof createRolloutEngine>;
