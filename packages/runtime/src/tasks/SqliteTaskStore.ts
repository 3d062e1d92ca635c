import { transaction, type SqliteDatabase } from '../store/openSqlite.js';
import { checkLease, type NewTask, type TaskFinish, type TaskLease, type TaskRecord, type TaskState, type TaskStore } from './TaskStore.js';
import { orphanFinish, stateOf } from './taskState.js';

interface Row {
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
  completed: number;
  failed: number;
  retryable: number;
  canceled: number;
  result_objects: string;
  input: string | null;
  epoch: number;
}

/** Tasks in SQLite (the default store): they survive restarts and are shared with the bake records' database file. */
export class SqliteTaskStore implements TaskStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        request_id TEXT,
        operation TEXT NOT NULL,
        account TEXT,
        user_name TEXT,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER,
        heartbeat_ms INTEGER NOT NULL,
        phase TEXT NOT NULL,
        status TEXT NOT NULL,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        retryable INTEGER NOT NULL DEFAULT 0,
        canceled INTEGER NOT NULL DEFAULT 0,
        result_objects TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX IF NOT EXISTS tasks_request ON tasks(request_id) WHERE request_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS tasks_open ON tasks(completed, owner_id);
      CREATE INDEX IF NOT EXISTS tasks_start ON tasks(start_ms DESC);
      CREATE TABLE IF NOT EXISTS task_history (
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        phase TEXT NOT NULL,
        status TEXT NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (task_id, seq)
      );
      CREATE TABLE IF NOT EXISTS task_steps (
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        name TEXT NOT NULL,
        effect TEXT NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (task_id, seq)
      );
    `);
    // Files made before the step journal lack the `input` column.
    const columns = db.prepare<[], { name: string }>('PRAGMA table_info(tasks)').all();
    if (!columns.some((c) => c.name === 'input')) db.exec('ALTER TABLE tasks ADD COLUMN input TEXT');
    // ...and files made before fencing lack `epoch` (see TaskLease).
    if (!columns.some((c) => c.name === 'epoch')) db.exec('ALTER TABLE tasks ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0');
  }

  private steps(id: string) {
    return this.db
      .prepare<[string], { name: string; effect: string; ts: number }>('SELECT name, effect, ts FROM task_steps WHERE task_id = ? ORDER BY seq')
      .all(id)
      .map((s) => ({ name: s.name, effect: JSON.parse(s.effect) as Record<string, unknown>, timestamp: s.ts }));
  }

  private history(id: string) {
    return this.db
      .prepare<[string], { phase: string; status: string; ts: number }>('SELECT phase, status, ts FROM task_history WHERE task_id = ? ORDER BY seq')
      .all(id)
      .map((h) => ({ phase: h.phase, status: h.status, timestamp: h.ts }));
  }

  private toRecord(r: Row): TaskRecord {
    return {
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
      completed: r.completed === 1,
      failed: r.failed === 1,
      retryable: r.retryable === 1,
      canceled: r.canceled === 1,
      history: this.history(r.id),
      resultObjects: JSON.parse(r.result_objects) as Record<string, unknown>[],
      steps: this.steps(r.id),
      ...(r.input ? { input: JSON.parse(r.input) as Record<string, unknown> } : {}),
      epoch: r.epoch,
    };
  }

  private row(id: string): Row | undefined {
    return this.db.prepare<[string], Row>('SELECT * FROM tasks WHERE id = ?').get(id);
  }

  /** Inside a transaction: throws TaskFencedError when the task is no longer held under `lease`. */
  private fence(id: string, lease: TaskLease | undefined) {
    if (!lease) return;
    const r = this.row(id);
    checkLease(r && { id, ownerId: r.owner_id, epoch: r.epoch }, lease);
  }

  private appendLine(id: string, phase: string, status: string, now: number) {
    this.db
      .prepare('INSERT INTO task_history (task_id, seq, phase, status, ts) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_history WHERE task_id = ?), ?, ?, ?)')
      .run(id, id, phase, status, now);
  }

  async create(input: NewTask, now: number) {
    return transaction(this.db, () => {
      if (input.requestId) {
        const existing = this.db
          .prepare<[string], Row>('SELECT * FROM tasks WHERE request_id = ? ORDER BY start_ms DESC LIMIT 1')
          .get(input.requestId);
        if (existing && !(existing.failed === 1 && existing.retryable === 1)) return { task: this.toRecord(existing), created: false };
      }
      this.db
        .prepare(
          'INSERT INTO tasks (id, owner_id, request_id, operation, account, user_name, start_ms, heartbeat_ms, phase, status, input) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          input.id,
          input.ownerId,
          input.requestId ?? null,
          input.operation,
          input.account ?? null,
          input.user ?? null,
          now,
          now,
          input.phase,
          input.status,
          input.input ? JSON.stringify(input.input) : null,
        );
      this.appendLine(input.id, input.phase, input.status, now);
      return { task: this.toRecord(this.row(input.id)!), created: true };
    });
  }

  async get(id: string) {
    const r = this.row(id);
    return r && this.toRecord(r);
  }

  async list(options: { limit: number; accounts?: readonly string[] }) {
    const rows = options.accounts
      ? this.db
          .prepare<unknown[], Row>(
            `SELECT * FROM tasks WHERE account IS NULL OR account IN (${options.accounts.map(() => '?').join(',') || "''"}) ORDER BY start_ms DESC LIMIT ?`,
          )
          .all(...options.accounts, options.limit)
      : this.db.prepare<[number], Row>('SELECT * FROM tasks ORDER BY start_ms DESC LIMIT ?').all(options.limit);
    return rows.map((r) => this.toRecord(r));
  }

  async appendHistory(id: string, phase: string, status: string, now: number, lease?: TaskLease) {
    transaction(this.db, () => {
      this.fence(id, lease);
      const changed = this.db.prepare('UPDATE tasks SET phase = ?, status = ?, heartbeat_ms = ? WHERE id = ?').run(phase, status, now, id).changes;
      if (changed) this.appendLine(id, phase, status, now);
    });
  }

  async addResultObjects(id: string, objects: Record<string, unknown>[], lease?: TaskLease) {
    transaction(this.db, () => {
      const r = this.row(id);
      if (!r) return;
      this.fence(id, lease);
      const merged = [...(JSON.parse(r.result_objects) as unknown[]), ...objects];
      this.db.prepare('UPDATE tasks SET result_objects = ? WHERE id = ?').run(JSON.stringify(merged), id);
    });
  }

  async finish(id: string, f: TaskFinish, now: number, lease?: TaskLease) {
    transaction(this.db, () => {
      const r = this.row(id);
      this.fence(id, lease);
      if (!r || r.completed) return;
      const results = f.resultObjects ? [...(JSON.parse(r.result_objects) as unknown[]), ...f.resultObjects] : JSON.parse(r.result_objects);
      this.db
        .prepare(
          'UPDATE tasks SET phase = ?, status = ?, completed = 1, failed = ?, retryable = ?, canceled = ?, end_ms = ?, heartbeat_ms = ?, result_objects = ? WHERE id = ?',
        )
        .run(f.phase, f.status, f.failed ? 1 : 0, f.retryable ? 1 : 0, f.canceled ? 1 : 0, now, now, JSON.stringify(results), id);
      this.appendLine(id, f.phase, f.status, now);
    });
  }

  async heartbeat(ownerId: string, now: number) {
    this.db.prepare('UPDATE tasks SET heartbeat_ms = ? WHERE owner_id = ? AND completed = 0').run(now, ownerId);
  }

  async failOrphans(o: Parameters<TaskStore['failOrphans']>[0]) {
    const rows = this.db
      .prepare<[string, number], Row>('SELECT * FROM tasks WHERE completed = 0 AND owner_id != ? AND heartbeat_ms < ?')
      .all(o.exceptOwnerId, o.staleBeforeMs);
    const out: TaskRecord[] = [];
    for (const r of rows) {
      const t = this.toRecord(r);
      await this.finish(t.id, orphanFinish(t, o.message(t), o.retryable?.(t) ?? true), o.now);
      this.db.prepare('UPDATE tasks SET epoch = epoch + 1 WHERE id = ?').run(t.id);
      out.push((await this.get(t.id))!);
    }
    return out;
  }

  async recordStep(id: string, name: string, effect: Record<string, unknown>, now: number, lease?: TaskLease) {
    transaction(this.db, () => {
      this.fence(id, lease);
      this.db
        .prepare(
          'INSERT INTO task_steps (task_id, seq, name, effect, ts) SELECT id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_steps WHERE task_id = ?), ?, ?, ? FROM tasks WHERE id = ?',
        )
        .run(id, name, JSON.stringify(effect), now, id);
    });
  }

  async reopen(id: string, ownerId: string, line: { phase: string; status: string }, now: number) {
    // One UPDATE decides who wins: only a failed, retryable task changes, and only once.
    const won = this.db
      .prepare(
        'UPDATE tasks SET owner_id = ?, epoch = epoch + 1, completed = 0, failed = 0, retryable = 0, canceled = 0, end_ms = NULL, heartbeat_ms = ?, phase = ?, status = ? WHERE id = ? AND completed = 1 AND failed = 1 AND retryable = 1',
      )
      .run(ownerId, now, line.phase, line.status, id).changes;
    if (!won) return undefined;
    const r = this.row(id)!;
    const kept = (JSON.parse(r.result_objects) as Record<string, unknown>[]).filter((o) => o.type !== 'EXCEPTION');
    this.db.prepare('UPDATE tasks SET result_objects = ? WHERE id = ?').run(JSON.stringify(kept), id);
    this.appendLine(id, line.phase, line.status, now);
    return this.toRecord(this.row(id)!);
  }

  async countByState() {
    const counts: Record<TaskState, number> = { running: 0, succeeded: 0, failed: 0, canceled: 0 };
    const rows = this.db
      .prepare<[], { completed: number; failed: number; canceled: number; n: number }>(
        'SELECT completed, failed, canceled, COUNT(*) AS n FROM tasks GROUP BY completed, failed, canceled',
      )
      .all();
    for (const r of rows) counts[stateOf({ completed: r.completed === 1, failed: r.failed === 1, canceled: r.canceled === 1 })] += r.n;
    return counts;
  }

  async close() {
    // The database is owned by whoever opened it (compose), which closes it once every store is done.
  }
}
