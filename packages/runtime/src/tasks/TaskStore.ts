export interface TaskHistoryLine {
  phase: string;
  status: string;
  timestamp: number;
}

/** A stored task. `toClouddriverTask` turns it into the wire shape. */
export interface TaskRecord extends NewTask {
  startTimeMs: number;
  endTimeMs?: number;
  heartbeatMs: number;
  completed: boolean;
  failed: boolean;
  retryable: boolean;
  canceled: boolean;
  history: TaskHistoryLine[];
  resultObjects: Record<string, unknown>[];
  /** The step journal: each step's recorded effect, oldest first (see `recordStep`). */
  steps: TaskStep[];
  /**
   * Bumped whenever the task changes hands (`reopen`, `takeOverOrphans`, `failOrphans`), so a run that started before
   * can be told apart from the current one even when ownership came back to the same owner.
   */
  epoch: number;
}

/** Who may write to a task: the run that holds it (its owner at the epoch the run started with). */
export interface TaskLease {
  ownerId: string;
  epoch: number;
}

/**
 * A write made under a lease the task no longer has (another replica took the task over, or it was failed or reopened
 * since): nothing was written. The stale run stops; it is not a failure of the task.
 */
export class TaskFencedError extends Error {
  override readonly name = 'TaskFencedError';
  constructor(
    readonly taskId: string,
    readonly lease: TaskLease,
  ) {
    super(`task ${taskId} is no longer held by ${lease.ownerId} (epoch ${lease.epoch})`);
  }
}

/** Throws TaskFencedError when `lease` is given and the task's owner or epoch differs from it. */
export function checkLease(task: { id: string; ownerId: string; epoch: number } | undefined, lease: TaskLease | undefined) {
  if (lease && task && (task.ownerId !== lease.ownerId || task.epoch !== lease.epoch)) throw new TaskFencedError(task.id, lease);
}

/**
 * One entry of a task's step journal: a step of the operation that took effect, and what it left behind (ids, names,
 * ARNs) so that a resumed run goes on from it instead of repeating it.
 */
export interface TaskStep {
  name: string;
  effect: Record<string, unknown>;
  timestamp: number;
}

export interface NewTask {
  id: string;
  ownerId: string;
  requestId?: string;
  operation: string;
  account?: string;
  user?: string;
  phase: string;
  status: string;
  /** What the operation was asked to do (its description), kept so `POST /task/{id}:resume` can run it again. */
  input?: Record<string, unknown>;
}

export interface TaskFinish {
  failed: boolean;
  retryable: boolean;
  canceled?: boolean;
  phase: string;
  status: string;
  resultObjects?: Record<string, unknown>[];
}

export type TaskState = 'running' | 'succeeded' | 'failed' | 'canceled';

/**
 * Where tasks live. Implementations: `InMemoryTaskStore` (tests, `storage.type: memory`) and `SqliteTaskStore`
 * (default; survives restarts). Both are proven by `runTaskStoreCases`.
 */
export interface TaskStore {
  /**
   * Stores a new task. With a `requestId` (clouddriver's `clientRequestId`) an existing task with the same id is
   * returned instead (`created: false`), unless it failed retryably.
   */
  create(task: NewTask, now: number): Promise<{ task: TaskRecord; created: boolean }>;
  get(id: string): Promise<TaskRecord | undefined>;
  /** Newest first; `accounts` limits to tasks of those accounts (plus tasks with no account). */
  list(options: { limit: number; accounts?: readonly string[] }): Promise<TaskRecord[]>;
  /*
   * Writes. With a `lease` (what a TaskRunner's run passes) the write happens only if the task is still held under
   * it; otherwise nothing changes and TaskFencedError is thrown. Without one the write is unconditional (operator
   * actions such as a rollout's "pause requested" line).
   */
  appendHistory(id: string, phase: string, status: string, now: number, lease?: TaskLease): Promise<void>;
  addResultObjects(id: string, objects: Record<string, unknown>[], lease?: TaskLease): Promise<void>;
  finish(id: string, finish: TaskFinish, now: number, lease?: TaskLease): Promise<void>;
  /** Marks every unfinished task of `ownerId` as alive at `now`. */
  heartbeat(ownerId: string, now: number): Promise<void>;
  /**
   * Fails the unfinished tasks whose owner is not `exceptOwnerId` and was last seen before `staleBeforeMs`: their
   * process died. They become failed and retryable, with `message(task)` as the last history line.
   */
  failOrphans(options: {
    exceptOwnerId: string;
    staleBeforeMs: number;
    now: number;
    message: (t: TaskRecord) => string;
    /** Whether the orphan may be resumed (default: yes). A task that cannot continue safely is `retryable: false`. */
    retryable?: (t: TaskRecord) => boolean;
  }): Promise<TaskRecord[]>;
  /**
   * Appends a step to the task's journal. Operations record each step's effect before they start the next one, so a
   * resume (even after kill -9) knows what already took effect. A step name recorded twice keeps both; readers use
   * the newest.
   */
  recordStep(id: string, name: string, effect: Record<string, unknown>, now: number, lease?: TaskLease): Promise<void>;
  /**
   * Reopens a failed, retryable task for `POST /task/{id}:resume`, atomically (only one caller wins): it becomes
   * running again under `ownerId`, not failed, not retryable, without `endTimeMs` and without its EXCEPTION result
   * objects; `status` is appended to its history; its epoch goes up by one. Returns the reopened task, or undefined when the task is missing
   * or not failed-and-retryable.
   */
  reopen(id: string, ownerId: string, status: { phase: string; status: string }, now: number): Promise<TaskRecord | undefined>;
  /**
   * Several replicas (PostgreSQL): makes the unfinished tasks of owners silent since `staleBeforeMs` that `accept`
   * allows this owner's, still running (never shown failed in between), with `line(task)` appended to their history
   * and their epoch up by one (the old owner's writes are then refused).
   * Of several replicas asking at once, exactly one takes each task. One-process stores leave this out.
   */
  takeOverOrphans?(options: {
    ownerId: string;
    staleBeforeMs: number;
    now: number;
    accept: (t: TaskRecord) => boolean;
    line: (t: TaskRecord) => { phase: string; status: string };
  }): Promise<TaskRecord[]>;
  countByState(): Promise<Record<TaskState, number>>;
  close(): Promise<void>;
}
