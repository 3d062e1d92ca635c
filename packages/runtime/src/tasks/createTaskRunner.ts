import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { TaskRecord, TaskStore } from './TaskStore.js';
import { ORCHESTRATION } from './taskState.js';

/** What an operation gets while it runs in the background. */
export interface TaskContext {
  readonly taskId: string;
  /** Appends a `{phase, status}` history line (what Orca and the webhook view show as progress). */
  updateStatus(phase: string, status: string): Promise<void>;
  /** Adds result objects (Orca reads `resultObjects[0]`). */
  addResults(...objects: Record<string, unknown>[]): Promise<void>;
  /** Aborted when the server shuts down. */
  readonly signal: AbortSignal;
}

export interface Submission {
  operation: string;
  account?: string;
  user?: string;
  /** clouddriver's `clientRequestId`: a repeat returns the existing task. */
  requestId?: string;
}

export type TaskWork = (ctx: TaskContext) => Promise<Record<string, unknown> | Record<string, unknown>[] | void>;

export interface TaskRunner {
  readonly ownerId: string;
  /** Stores the task, starts `work` in the background and returns at once. */
  submit(submission: Submission, work: TaskWork): Promise<{ task: TaskRecord; created: boolean }>;
  /** Tasks of this process still running. */
  running(): number;
  /** Waits up to `timeoutMs` for running tasks; the rest are failed as retryable, saying the server stopped. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Runs operations as clouddriver tasks: `Initializing Orchestration Task` → `Processing op: X` → the operation's own
 * lines → `Orchestration completed.` or `Orchestration failed: X | Exc: [message]` with an exception summary in
 * `resultObjects`. An error's `retryable: true` (or a throttling/unavailable name) marks the task retryable.
 */
export function createTaskRunner(deps: { store: TaskStore; logger: Logger; ownerId?: string; now?: () => number }): TaskRunner {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const ownerId = deps.ownerId ?? `${randomUUID()}@${process.env.HOSTNAME ?? 'outrigger'}`;
  const inflight = new Map<string, Promise<void>>();
  const abort = new AbortController();

  async function run(task: TaskRecord, work: TaskWork) {
    const ctx: TaskContext = {
      taskId: task.id,
      signal: abort.signal,
      updateStatus: (phase, status) => store.appendHistory(task.id, phase, status, now()),
      addResults: (...objects) => store.addResultObjects(task.id, objects),
    };
    try {
      await store.appendHistory(task.id, ORCHESTRATION, `Processing op: ${task.operation}`, now());
      const result = await work(ctx);
      const resultObjects = result === undefined ? [] : Array.isArray(result) ? result : [result];
      await store.finish(task.id, { failed: false, retryable: false, phase: ORCHESTRATION, status: 'Orchestration completed.', resultObjects }, now());
    } catch (err) {
      const e = err as Error & { retryable?: boolean; $metadata?: unknown };
      const retryable = e.retryable ?? /Throttl|TooManyRequests|ServiceUnavailable|Timeout/.test(e?.name ?? '');
      const message = e?.message || String(err);
      logger.warn({ taskId: task.id, operation: task.operation, err: { name: e?.name, message } }, 'task failed');
      await store.finish(
        task.id,
        {
          failed: true,
          retryable,
          phase: ORCHESTRATION,
          status: `Orchestration failed: ${task.operation} | ${e?.name ?? 'Error'}: [${message}]`,
          resultObjects: [{ type: 'EXCEPTION', operation: task.operation, message, cause: e?.name ?? 'Error', retryable }],
        },
        now(),
      );
    }
  }

  return {
    ownerId,
    async submit(submission, work) {
      const id = randomUUID();
      const { task, created } = await store.create(
        { id, ownerId, phase: ORCHESTRATION, status: 'Initializing Orchestration Task', ...submission },
        now(),
      );
      if (created) {
        const p = run(task, work).finally(() => inflight.delete(task.id));
        inflight.set(task.id, p);
      }
      return { task, created };
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
        const message = 'outrigger was shut down while this task was running; it may be partly applied. Check the resource, then re-run the stage.';
        await store.finish(
          id,
          {
            failed: true,
            retryable: true,
            phase: ORCHESTRATION,
            status: `Orchestration failed: ${t.operation} | Exc: [${message}]`,
            resultObjects: [{ type: 'EXCEPTION', operation: t.operation, message, cause: 'Shutdown', retryable: true }],
          },
          now(),
        );
      }
    },
  };
}
