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
  appendHistory(id: string, phase: string, status: string, now: number): Promise<void>;
  addResultObjects(id: string, objects: Record<string, unknown>[]): Promise<void>;
  finish(id: string, finish: TaskFinish, now: number): Promise<void>;
  /** Marks every unfinished task of `ownerId` as alive at `now`. */
  heartbeat(ownerId: string, now: number): Promise<void>;
  /**
   * Fails the unfinished tasks whose owner is not `exceptOwnerId` and was last seen before `staleBeforeMs`: their
   * process died. They become failed and retryable, with `message(task)` as the last history line.
   */
  failOrphans(options: { exceptOwnerId: string; staleBeforeMs: number; now: number; message: (t: TaskRecord) => string }): Promise<TaskRecord[]>;
  countByState(): Promise<Record<TaskState, number>>;
  close(): Promise<void>;
}
