import type { SqliteDatabase } from '@outrigger/runtime';

export interface StoredRender {
  id: string;
  taskDefinition: Record<string, unknown>;
  createdAt: number;
}

/** Where rendered task definitions are kept so clouddriver can fetch them as `http/file` artifacts. */
export interface RenderStore {
  put(render: StoredRender): void;
  get(id: string): StoredRender | undefined;
}

export class InMemoryRenderStore implements RenderStore {
  private readonly renders = new Map<string, StoredRender>();
  constructor(private readonly max = 10_000) {}
  put(render: StoredRender): void {
    this.renders.set(render.id, render);
    if (this.renders.size > this.max) {
      const oldest = this.renders.keys().next().value;
      if (oldest !== undefined) this.renders.delete(oldest);
    }
  }
  get(id: string): StoredRender | undefined {
    return this.renders.get(id);
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
  put(render: StoredRender): void {
    this.db.prepare('DELETE FROM ecs_renders WHERE created_at < ?').run(render.createdAt - this.retentionMs);
    this.db
      .prepare('INSERT OR REPLACE INTO ecs_renders (id, task_definition, created_at) VALUES (?, ?, ?)')
      .run(render.id, JSON.stringify(render.taskDefinition), render.createdAt);
  }
  get(id: string): StoredRender | undefined {
    const row = this.db.prepare('SELECT id, task_definition, created_at FROM ecs_renders WHERE id = ?').get(id) as
      | { id: string; task_definition: string; created_at: number }
      | undefined;
    return row ? { id: row.id, taskDefinition: JSON.parse(row.task_definition) as Record<string, unknown>, createdAt: row.created_at } : undefined;
  }
}
