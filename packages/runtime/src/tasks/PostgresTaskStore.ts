import type { Migrations, PgDatabase, PgQueryable } from '../store/postgres/openPostgres.js';
import { checkLease, type NewTask, type TaskFinish, type TaskHistoryLine, type TaskLease, type TaskRecord, type TaskState, type TaskStore } from './TaskStore.js';
import { orphanFinish, stateOf } from './taskState.js';

interface Row extends Record<string, unknown> {
  id: string;
  owner_id: string;
  request_id: string | null;
  operation: string;
  account: string | null;
  user_name: string | null;
  start_ms: number;
  end_ms: number | null;
  heartbeat_ms: number;
  phase: string;
  status: string;
  completed: boolean;
  failed: boolean;
  retryable: boolean;
  canceled: boolean;
  history: TaskHistoryLine[];
  result_objects: Record<string, unknown>[];
  input: Record<string, unknown> | null;
  steps: { name: string; effect: Record<string, unknown>; timestamp: number }[];
  epoch: number;
}

/**
 * Version 1: one row per task, history and result objects as JSONB arrays appended in place. A `clientRequestId`
 * may have at most one task that is not failed-and-retryable: the partial unique index makes that hold across
 * every replica writing to the database, not just inside one process.
 */
export const TASK_MIGRATIONS: Migrations = [
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     owner_id TEXT NOT NULL,
     request_id TEXT,
     operation TEXT NOT NULL,
     account TEXT,
     user_name TEXT,
     start_ms BIGINT NOT NULL,
     end_ms BIGINT,
     heartbeat_ms BIGINT NOT NULL,
     phase TEXT NOT NULL,
     status TEXT NOT NULL,
     completed BOOLEAN NOT NULL DEFAULT false,
     failed BOOLEAN NOT NULL DEFAULT false,
     retryable BOOLEAN NOT NULL DEFAULT false,
     canceled BOOLEAN NOT NULL DEFAULT false,
     history JSONB NOT NULL DEFAULT '[]',
     result_objects JSONB NOT NULL DEFAULT '[]'
   );
   CREATE UNIQUE INDEX tasks_live_request ON tasks (request_id) WHERE request_id IS NOT NULL AND NOT (failed AND retryable);
   CREATE INDEX tasks_open ON tasks (owner_id, heartbeat_ms) WHERE NOT completed;
   CREATE INDEX tasks_start ON tasks (start_ms DESC);`,
  // Version 2: what the operation was asked to do, and its step journal, for `POST /task/{id}:resume`.
  `ALTER TABLE tasks ADD COLUMN input JSONB;
   ALTER TABLE tasks ADD COLUMN steps JSONB NOT NULL DEFAULT '[]';`,
  // Version 3: fencing. Bumped whenever a task changes hands, so a stalled replica's late writes are refused.
  `ALTER TABLE tasks ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;`,
];

const toRecord = (r: Row): TaskRecord => ({
  id: r.id,
  ownerId: r.owner_id,
  ...(r.request_id ? { requestId: r.request_id } : {}),
  operation: r.operation,
  ...(r.account ? { account: r.account } : {}),
  ...(r.user_name ? { user: r.user_name } : {}),
  startTimeMs: r.start_ms,
  ...(r.end_ms !== null ? { endTimeMs: r.end_ms } : {}),
  heartbeatMs: r.heartbeat_ms,
  phase: r.phase,
  status: r.status,
  completed: r.completed,
  failed: r.failed,
  retryable: r.retryable,
  canceled: r.canceled,
  history: r.history,
  resultObjects: r.result_objects,
  // The step journal and the input (read by `POST /task/{id}:resume`).
  steps: r.steps,
  ...(r.input ? { input: r.input } : {}),
  epoch: r.epoch,
});

/**
 * `AND (owner_id, epoch) = lease` when a lease is given: the fencing condition appended to a write's WHERE, with the
 * lease's two parameters at positions `at` and `at + 1`.
 */
const held = (at: number, lease: TaskLease | undefined) =>
  lease ? { sql: ` AND owner_id = $${at} AND epoch = $${at + 1}`, params: [lease.ownerId, lease.epoch] } : { sql: '', params: [] };

const line = (phase: string, status: string, now: number) => JSON.stringify([{ phase, status, timestamp: now }]);

/** Tasks in PostgreSQL (`storage.type: postgres`): every replica reads and writes the same rows. */
export class PostgresTaskStore implements TaskStore {
  private constructor(private readonly db: PgDatabase) {}

  /** Runs the task tables' migrations, then returns the store. */
  static async open(db: PgDatabase): Promise<PostgresTaskStore> {
    await db.migrate('tasks', TASK_MIGRATIONS);
    return new PostgresTaskStore(db);
  }

  async create(input: NewTask, now: number) {
    // Insert, or find the live task holding the request id. The loop covers the race where that task turns
    // failed-and-retryable between our insert and our read (then the id is free again).
    for (;;) {
      const inserted = await this.db.query<Row>(
        `INSERT INTO tasks (id, owner_id, request_id, operation, account, user_name, start_ms, heartbeat_ms, phase, status, history, input)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10::jsonb, $11::jsonb)
         ON CONFLICT (request_id) WHERE request_id IS NOT NULL AND NOT (failed AND retryable) DO NOTHING
         RETURNING *`,
        [input.id, input.ownerId, input.requestId ?? null, input.operation, input.account ?? null, input.user ?? null, now, input.phase, input.status, line(input.phase, input.status, now), inputOf(input)],
      );
      if (inserted[0]) return { task: toRecord(inserted[0]), created: true };
      const [existing] = await this.db.query<Row>(
        'SELECT * FROM tasks WHERE request_id = $1 AND NOT (failed AND retryable) ORDER BY start_ms DESC LIMIT 1',
        [input.requestId],
      );
      if (existing) return { task: toRecord(existing), created: false };
    }
  }

  async get(id: string) {
    const [r] = await this.db.query<Row>('SELECT * FROM tasks WHERE id = $1', [id]);
    return r && toRecord(r);
  }

  async list(options: { limit: number; accounts?: readonly string[] }) {
    const rows = options.accounts
      ? await this.db.query<Row>('SELECT * FROM tasks WHERE account IS NULL OR account = ANY($1::text[]) ORDER BY start_ms DESC LIMIT $2', [
          [...options.accounts],
          options.limit,
        ])
      : await this.db.query<Row>('SELECT * FROM tasks ORDER BY start_ms DESC LIMIT $1', [options.limit]);
    return rows.map(toRecord);
  }

  /** After a leased write changed no row: throws TaskFencedError if that is because the task changed hands. */
  private async fenced(id: string, lease: TaskLease | undefined) {
    if (!lease) return;
    const [r] = await this.db.query<{ owner_id: string; epoch: number }>('SELECT owner_id, epoch FROM tasks WHERE id = $1', [id]);
    checkLease(r && { id, ownerId: r.owner_id, epoch: r.epoch }, lease);
  }

  async appendHistory(id: string, phase: string, status: string, now: number, lease?: TaskLease) {
    const h = held(6, lease);
    const rows = await this.db.query(
      `UPDATE tasks SET phase = $2, status = $3, heartbeat_ms = $4, history = history || $5::jsonb WHERE id = $1${h.sql} RETURNING id`,
      [id, phase, status, now, line(phase, status, now), ...h.params],
    );
    if (!rows[0]) await this.fenced(id, lease);
  }

  async addResultObjects(id: string, objects: Record<string, unknown>[], lease?: TaskLease) {
    const h = held(3, lease);
    const rows = await this.db.query(`UPDATE tasks SET result_objects = result_objects || $2::jsonb WHERE id = $1${h.sql} RETURNING id`, [
      id,
      JSON.stringify(objects),
      ...h.params,
    ]);
    if (!rows[0]) await this.fenced(id, lease);
  }

  async finish(id: string, f: TaskFinish, now: number, lease?: TaskLease) {
    const rows = await finishOn(this.db, id, f, now, lease);
    if (!rows[0]) await this.fenced(id, lease);
  }

  async heartbeat(ownerId: string, now: number) {
    await this.db.query('UPDATE tasks SET heartbeat_ms = $2 WHERE owner_id = $1 AND NOT completed', [ownerId, now]);
  }

  async failOrphans(o: {
    exceptOwnerId: string;
    staleBeforeMs: number;
    now: number;
    message: (t: TaskRecord) => string;
    /** Whether the orphan may be resumed (default: yes). */
    retryable?: (t: TaskRecord) => boolean;
  }) {
    // Several replicas sweep at once: each claims rows with SKIP LOCKED, so a task is failed by exactly one of them.
    return this.db.tx(async (c) => {
      const rows = await c.query<Row>(
        'SELECT * FROM tasks WHERE NOT completed AND owner_id <> $1 AND heartbeat_ms < $2 ORDER BY start_ms FOR UPDATE SKIP LOCKED',
        [o.exceptOwnerId, o.staleBeforeMs],
      );
      const out: TaskRecord[] = [];
      for (const r of rows) {
        const t = toRecord(r);
        const [done] = await finishOn(c, t.id, orphanFinish(t, o.message(t), o.retryable?.(t) ?? true), o.now);
        if (!done) continue;
        const [bumped] = await c.query<Row>('UPDATE tasks SET epoch = epoch + 1 WHERE id = $1 RETURNING *', [t.id]);
        out.push(toRecord(bumped ?? done));
      }
      return out;
    });
  }

  /** Appends a step to the task's journal (what took effect, so a resumed run goes on from it). */
  async recordStep(id: string, name: string, effect: Record<string, unknown>, now: number, lease?: TaskLease) {
    const h = held(3, lease);
    const rows = await this.db.query(`UPDATE tasks SET steps = steps || $2::jsonb WHERE id = $1${h.sql} RETURNING id`, [
      id,
      JSON.stringify([{ name, effect, timestamp: now }]),
      ...h.params,
    ]);
    if (!rows[0]) await this.fenced(id, lease);
  }

  /**
   * Reopens a failed, retryable task under `ownerId` (for `POST /task/{id}:resume`). One UPDATE decides: of several
   * replicas asking at once, exactly one gets the task back. A newer live task holding the same clientRequestId
   * makes the reopen impossible (undefined), as the request id may name one live task only.
   */
  async reopen(id: string, ownerId: string, l: { phase: string; status: string }, now: number): Promise<TaskRecord | undefined> {
    try {
      const [r] = await this.db.query<Row>(
        `UPDATE tasks SET owner_id = $2, epoch = epoch + 1, completed = false, failed = false, retryable = false, canceled = false, end_ms = NULL, heartbeat_ms = $3,
           phase = $4, status = $5, history = history || $6::jsonb,
           result_objects = COALESCE((SELECT jsonb_agg(o) FROM jsonb_array_elements(result_objects) o WHERE o->>'type' IS DISTINCT FROM 'EXCEPTION'), '[]'::jsonb)
         WHERE id = $1 AND completed AND failed AND retryable RETURNING *`,
        [id, ownerId, now, l.phase, l.status, line(l.phase, l.status, now)],
      );
      return r && toRecord(r);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return undefined;
      throw err;
    }
  }

  async takeOverOrphans(o: {
    ownerId: string;
    staleBeforeMs: number;
    now: number;
    accept: (t: TaskRecord) => boolean;
    line: (t: TaskRecord) => { phase: string; status: string };
  }): Promise<TaskRecord[]> {
    return this.db.tx(async (c) => {
      const rows = await c.query<Row>(
        'SELECT * FROM tasks WHERE NOT completed AND owner_id <> $1 AND heartbeat_ms < $2 ORDER BY start_ms FOR UPDATE SKIP LOCKED',
        [o.ownerId, o.staleBeforeMs],
      );
      const out: TaskRecord[] = [];
      for (const r of rows) {
        const t = toRecord(r);
        if (!o.accept(t)) continue;
        const l = o.line(t);
        const [next] = await c.query<Row>(
          'UPDATE tasks SET owner_id = $2, epoch = epoch + 1, heartbeat_ms = $3, phase = $4, status = $5, history = history || $6::jsonb WHERE id = $1 AND NOT completed RETURNING *',
          [t.id, o.ownerId, o.now, l.phase, l.status, line(l.phase, l.status, o.now)],
        );
        if (next) out.push(toRecord(next));
      }
      return out;
    });
  }

  async countByState() {
    const counts: Record<TaskState, number> = { running: 0, succeeded: 0, failed: 0, canceled: 0 };
    const rows = await this.db.query<{ completed: boolean; failed: boolean; canceled: boolean; n: number }>(
      'SELECT completed, failed, canceled, COUNT(*)::bigint AS n FROM tasks GROUP BY completed, failed, canceled',
    );
    for (const r of rows) counts[stateOf(r)] += r.n;
    return counts;
  }

  async close() {
    // The pool belongs to whoever opened it (compose), which closes it once every store is done.
  }
}

const inputOf = (t: NewTask) => {
  const input = (t as NewTask & { input?: Record<string, unknown> }).input;
  return input ? JSON.stringify(input) : null;
};

function finishOn(c: PgQueryable, id: string, f: TaskFinish, now: number, lease?: TaskLease) {
  const h = held(10, lease);
  return c.query<Row>(
    `UPDATE tasks SET phase = $2, status = $3, completed = true, failed = $4, retryable = $5, canceled = $6, end_ms = $7, heartbeat_ms = $7,
       result_objects = result_objects || $8::jsonb, history = history || $9::jsonb
     WHERE id = $1 AND NOT completed${h.sql} RETURNING *`,
    [id, f.phase, f.status, f.failed, f.retryable, f.canceled ?? false, now, JSON.stringify(f.resultObjects ?? []), line(f.phase, f.status, now), ...h.params],
  );
}
