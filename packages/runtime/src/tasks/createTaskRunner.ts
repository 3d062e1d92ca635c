import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { TaskFencedError, type TaskLease, type TaskRecord, type TaskStep, type TaskStore } from './TaskStore.js';
import { exceptionSummary, failureLine, ORCHESTRATION } from './taskState.js';

/** What an operation gets while it runs in the background. */
export interface TaskContext {
  readonly taskId: string;
  /** Appends a `{phase, status}` history line (what Orca and the webhook view show as progress). */
  updateStatus(phase: string, status: string): Promise<void>;
  /** Adds result objects (Orca reads `resultObjects[0]`). */
  addResults(...objects: Record<string, unknown>[]): Promise<void>;
  /** Aborted when the server shuts down. */
  readonly signal: AbortSignal;
  /**
   * Runs one step of the operation once per task. When an earlier run of this task (before a failure, a crash or a
   * kill -9) recorded the step, its recorded effect is returned and `fn` does not run; otherwise `fn` runs and what it
   * returns is recorded in the task's journal before `step` returns, so the next step never starts before the effect
   * of this one is stored. Effects are small JSON objects (names, ids, ARNs), never secrets.
   */
  step<T extends Record<string, unknown>>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Records (or supersedes: readers take the newest) a step's effect directly, e.g. when a clean-up undid a step. */
  record(name: string, effect: Record<string, unknown>): Promise<void>;
  /** The journal as it stood when this run started (empty on a first run). */
  readonly journal: readonly TaskStep[];
  /** True when this run continues a failed task (`POST /task/{id}:resume`). */
  readonly resumed: boolean;
}

export interface Submission {
  operation: string;
  account?: string;
  user?: string;
  /** clouddriver's `clientRequestId`: a repeat returns the existing task. */
  requestId?: string;
  /**
   * The operation's description. Stored with the task; with a resumer registered for `operation` (see `resumable`),
   * a failed task can be resumed from it.
   */
  input?: Record<string, unknown>;
}

/** Builds the work that continues `operation` from its stored input (the same work a first run does). */
export type Resumer = (input: Record<string, unknown>, task: TaskRecord) => TaskWork;

export type TaskWork = (ctx: TaskContext) => Promise<Record<string, unknown> | Record<string, unknown>[] | void>;

export interface TaskRunner {
  readonly ownerId: string;
  /** Stores the task, starts `work` in the background and returns at once. */
  submit(submission: Submission, work: TaskWork): Promise<{ task: TaskRecord; created: boolean }>;
  /**
   * Declares that `operation` can be resumed: its work is written with `ctx.step`, so running it again from its input
   * continues where the journal stops. Only such tasks (with a stored input) are ever reported `retryable: true`.
   */
  resumable(operation: string, resumer: Resumer): void;
  /**
   * The same for every operation name `matches` accepts, e.g. the comma-joined names of a list of operations in one
   * task (`a,b,c`), which a restarted process must recognize before any such task was submitted to it.
   */
  resumableMatching(matches: (operation: string) => boolean, resumer: Resumer): void;
  /** Whether a task can be resumed (its operation has a resumer and it has an input). */
  canResume(task: Pick<TaskRecord, 'operation' | 'input'>): boolean;
  /**
   * `POST /task/{id}:resume`: reopens a failed, retryable task under the same id and runs its operation again from
   * the journal. Returns undefined when the task is not failed-and-retryable (already running or resumed by another
   * caller, succeeded, or failed for good).
   */
  resume(id: string): Promise<TaskRecord | undefined>;
  /**
   * Several replicas: takes over the resumable tasks of replicas silent since `staleBeforeMs` and runs them on from
   * their journals under the same ids, without their ever showing failed. Needs a store with `takeOverOrphans`.
   */
  adoptOrphans(staleBeforeMs: number): Promise<TaskRecord[]>;
  /** Tasks of this process still running. */
  running(): number;
  /** Waits up to `timeoutMs` for running tasks; the rest are failed as retryable, saying the server stopped. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Runs operations as clouddriver tasks: `Initializing Orchestration Task` → `Processing op: X` → the operation's own
 * lines → `Orchestration completed.` or `X failed: message.` with an exception summary in
 * `resultObjects`. An error's `retryable: true` (or a throttling/unavailable name) marks the task retryable.
 */
export function createTaskRunner(deps: { store: TaskStore; logger: Logger; ownerId?: string; now?: () => number }): TaskRunner {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const ownerId = deps.ownerId ?? `${randomUUID()}@${process.env.HOSTNAME ?? 'outrigger'}`;
  const inflight = new Map<string, Promise<void>>();
  /** The lease each running task's writes go under (its owner and epoch when this run started). */
  const leases = new Map<string, TaskLease>();
  const abort = new AbortController();
  const resumers = new Map<string, Resumer>();
  const matchers: { matches: (operation: string) => boolean; resumer: Resumer }[] = [];
  const resumerOf = (operation: string): Resumer | undefined => resumers.get(operation) ?? matchers.find((m) => m.matches(operation))?.resumer;
  const canResume = (t: Pick<TaskRecord, 'operation' | 'input'>) => resumerOf(t.operation) !== undefined && t.input !== undefined;

  async function run(task: TaskRecord, work: TaskWork, resumed: boolean) {
    const journal = task.steps;
    const lease: TaskLease = { ownerId: task.ownerId, epoch: task.epoch };
    leases.set(task.id, lease);
    // Stopped when shutting down, and when this run finds the task taken over (a fenced-out write).
    const own = new AbortController();
    const fenced = (err: unknown) => {
      if (!(err instanceof TaskFencedError)) return false;
      if (own.signal.aborted) return true;
      own.abort(err);
      logger.warn({ taskId: task.id, operation: task.operation, lease }, 'task is now held by another run (taken over while this replica was stalled); this run stops and writes nothing more');
      return true;
    };
    const guard = async (write: Promise<void>) => {
      try {
        await write;
      } catch (err) {
        fenced(err);
        throw err;
      }
    };
    const ctx: TaskContext = {
      taskId: task.id,
      signal: AbortSignal.any([abort.signal, own.signal]),
      journal,
      resumed,
      updateStatus: (phase, status) => guard(store.appendHistory(task.id, phase, status, now(), lease)),
      addResults: (...objects) => guard(store.addResultObjects(task.id, objects, lease)),
      record: (name, effect) => guard(store.recordStep(task.id, name, effect, now(), lease)),
      async step(name, fn) {
        if (own.signal.aborted) throw own.signal.reason;
        const done = journal.findLast((s) => s.name === name);
        if (done) {
          await guard(store.appendHistory(task.id, ORCHESTRATION, `Step ${name} already took effect; not repeating it`, now(), lease));
          return done.effect as never;
        }
        const effect = await fn();
        await guard(store.recordStep(task.id, name, effect, now(), lease));
        return effect;
      },
    };
    try {
      await runWork(task, work, ctx, lease, own.signal);
    } catch (err) {
      // A fenced-out write anywhere (including the final one) ends this run quietly: the task belongs to another run.
      if (!fenced(err)) logger.error({ taskId: task.id, err: { message: (err as Error)?.message } }, 'task store write failed');
    } finally {
      leases.delete(task.id);
    }
  }

  async function runWork(task: TaskRecord, work: TaskWork, ctx: TaskContext, lease: TaskLease, stopped: AbortSignal) {
    try {
      await store.appendHistory(task.id, ORCHESTRATION, `Processing op: ${task.operation}`, now(), lease);
      const result = await work(ctx);
      if (stopped.aborted) throw stopped.reason;
      const resultObjects = result === undefined ? [] : Array.isArray(result) ? result : [result];
      await store.finish(task.id, { failed: false, retryable: false, phase: ORCHESTRATION, status: 'Orchestration completed.', resultObjects }, now(), lease);
    } catch (err) {
      if (err instanceof TaskFencedError) throw err;
      if (stopped.aborted) throw stopped.reason;
      const e = err as Error & { retryable?: boolean; $metadata?: unknown };
      // Retryable means Orca may call `POST /task/{id}:resume`: only when the error is transient AND the operation can
      // continue from its journal. Anything else would be `retryable: true` followed by a failed resume.
      const transient = e.retryable ?? /Throttl|TooManyRequests|ServiceUnavailable|Timeout/.test(e?.name ?? '');
      const retryable = transient && canResume(task);
      const message = e?.message || String(err);
      logger.warn({ taskId: task.id, operation: task.operation, err: { name: e?.name, message } }, 'task failed');
      const chain: { message: string; exceptionType?: string }[] = [];
      for (let c: unknown = err; c && chain.length < 10; c = (c as { cause?: unknown }).cause) {
        const ce = c as Error;
        chain.push({ message: ce?.message || String(c), ...(ce?.name ? { exceptionType: ce.name } : {}) });
      }
      await store.finish(
        task.id,
        {
          failed: true,
          retryable,
          phase: ORCHESTRATION,
          status: failureLine(task.operation, message),
          resultObjects: [exceptionSummary({ operation: task.operation, message, cause: e?.name ?? 'Error', retryable, chain })],
        },
        now(),
        lease,
      );
    }
  }

  function start(task: TaskRecord, work: TaskWork, resumed: boolean) {
    const p = run(task, work, resumed).finally(() => inflight.delete(task.id));
    inflight.set(task.id, p);
  }

  return {
    ownerId,
    async submit(submission, work) {
      const id = randomUUID();
      const { task, created } = await store.create(
        { id, ownerId, phase: ORCHESTRATION, status: 'Initializing Orchestration Task', ...submission },
        now(),
      );
      if (created) start(task, work, false);
      return { task, created };
    },
    resumable(operation, resumer) {
      resumers.set(operation, resumer);
    },
    resumableMatching(matches, resumer) {
      matchers.push({ matches, resumer });
    },
    canResume,
    async resume(id) {
      const existing = await store.get(id);
      if (!existing || !canResume(existing)) return undefined;
      const line = `Resuming task after failure (${existing.steps.length} step(s) already took effect)`;
      const task = await store.reopen(id, ownerId, { phase: ORCHESTRATION, status: line }, now());
      if (!task) return undefined;
      logger.info({ taskId: id, operation: task.operation, steps: task.steps.map((s) => s.name) }, 'resuming task');
      start(task, resumerOf(task.operation)!(task.input!, task), true);
      return task;
    },
    async adoptOrphans(staleBeforeMs) {
      if (!store.takeOverOrphans) return [];
      const adopted = await store.takeOverOrphans({
        ownerId,
        staleBeforeMs,
        now: now(),
        accept: canResume,
        line: (t) => ({
          phase: ORCHESTRATION,
          status: `Resuming task on another replica: ${t.ownerId} stopped answering (${t.steps.length} step(s) already took effect)`,
        }),
      });
      for (const task of adopted) {
        logger.warn({ taskId: task.id, operation: task.operation, steps: task.steps.map((s) => s.name) }, 'adopted a task of a replica that stopped answering');
        start(task, resumerOf(task.operation)!(task.input!, task), true);
      }
      return adopted;
    },
    running: () => inflight.size,
    async drain(timeoutMs) {
      if (!inflight.size) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inflight.values()]),
        new Promise((r) => (timer = setTimeout(r, timeoutMs))),
      ]);
      clearTimeout(timer);
      abort.abort();
      for (const id of inflight.keys()) {
        const t = await store.get(id);
        if (!t || t.completed) continue;
        const retryable = canResume(t);
        const message = retryable
          ? 'outrigger was shut down while this task was running; it will continue from its last recorded step when resumed.'
          : 'outrigger was shut down while this task was running; it may be partly applied. Check the resource, then re-run the stage.';
        await store.finish(
          id,
          {
            failed: true,
            retryable,
            phase: ORCHESTRATION,
            status: failureLine(t.operation, message),
            resultObjects: [exceptionSummary({ operation: t.operation, message, cause: 'Shutdown', retryable })],
          },
          now(),
          leases.get(id),
        ).catch((err) => {
          if (!(err instanceof TaskFencedError)) throw err;
        });
      }
    },
  };
}
