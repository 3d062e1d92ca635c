import type { Migrations, PgDatabase, SqliteDatabase } from '@outrigger/runtime';

export interface StoredRender {
  id: string;
  taskDefinition: Record<string, unknown>;
  createdAt: number;
}

/**
 * Where rendered task definitions are kept so clouddriver can fetch them as `http/file` artifacts. In memory (tests,
 * `storage.type: memory`), SQLite (default) or PostgreSQL (several replicas: any replica serves any render). All
 * are proven by `runRenderStoreCases`.
 */
export interface RenderStore {
  put(render: StoredRender): Promise<void>;
  get(id: string): Promise<StoredRender | undefined>;
}

export class InMemoryRenderStore implements RenderStore {
  private readonly renders = new Map<string, StoredRender>();
  constructor(
    private readonly retentionMs = 30 * 86_400_000,
    private readonly max = 10_000,
  ) {}
  async put(render: StoredRender) {
    for (const [id, r] of this.renders) if (r.createdAt < render.createdAt - this.retentionMs) this.renders.delete(id);
    this.renders.set(render.id, structuredClone(render));
    if (this.renders.size > this.max) {
      const oldest = this.renders.keys().next().value;
      if (oldest !== undefined) this.renders.delete(oldest);
    }
  }
  async get(id: string) {
    const r = this.renders.get(id);
    return r && structuredClone(r);
  }
}

export class SqliteRenderStore implements RenderStore {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly retentionMs = 30 * 86_400_000,
  ) {
    db.exec('CREATE TABLE IF NOT EXISTS ecs_renders (id TEXT PRIMARY KEY, task_definition TEXT NOT NULL, created_at INTEGER NOT NULL)');
    db.exec('CREATE INDEX IF NOT EXISTS ecs_renders_created_at ON ecs_renders (created_at)');
  }
  async put(render: StoredRender) {
    this.db.prepare('DELETE FROM ecs_renders WHERE created_at < ?').run(render.createdAt - this.retentionMs);
    this.db
      .prepare('INSERT OR REPLACE INTO ecs_renders (id, task_definition, created_at) VALUES (?, ?, ?)')
      .run(render.id, JSON.stringify(render.taskDefinition), render.createdAt);
  }
  async get(id: string) {
    const row = this.db.prepare('SELECT id, task_definition, created_at FROM ecs_renders WHERE id = ?').get(id) as
      | { id: string; task_definition: string; created_at: number }
      | undefined;
    return row ? { id: row.id, taskDefinition: JSON.parse(row.task_definition) as Record<string, unknown>, createdAt: row.created_at } : undefined;
  }
}

export const RENDER_MIGRATIONS: Migrations = [
  `CREATE TABLE ecs_renders (id TEXT PRIMARY KEY, task_definition JSONB NOT NULL, created_at BIGINT NOT NULL);
   CREATE INDEX ecs_renders_created_at ON ecs_renders (created_at);`,
];

export class PostgresRenderStore implements RenderStore {
  private readonly ready: Promise<void>;
  /** The table is migrated on first use (the ECS context is built synchronously). */
  constructor(
    private readonly db: PgDatabase,
    private readonly retentionMs = 30 * 86_400_000,
  ) {
    this.ready = db.migrate('ecs_renders', RENDER_MIGRATIONS);
    this.ready.catch(() => {}); // reported by the first put/get that awaits it
  }
  async put(render: StoredRender) {
    await this.ready;
    await this.db.query('DELETE FROM ecs_renders WHERE created_at < $1', [render.createdAt - this.retentionMs]);
    await this.db.query(
      'INSERT INTO ecs_renders (id, task_definition, created_at) VALUES ($1, $2::jsonb, $3) ON CONFLICT (id) DO UPDATE SET task_definition = EXCLUDED.task_definition, created_at = EXCLUDED.created_at',
      [render.id, JSON.stringify(render.taskDefinition), render.createdAt],
    );
  }
  async get(id: string) {
    await this.ready;
    const [row] = await this.db.query<{ id: string; task_definition: Record<string, unknown>; created_at: number }>(
      'SELECT id, task_definition, created_at FROM ecs_renders WHERE id = $1',
      [id],
    );
    return row ? { id: row.id, taskDefinition: row.task_definition, createdAt: row.created_at } : undefined;
  }
}
