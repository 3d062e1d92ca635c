import { transaction, type SqliteDatabase } from '@outrigger/runtime';
import type { BakeRecord, LogLine } from './BakeRecord.js';
import type { AdoptedBake, BakeStore, InsertResult } from './BakeStore.js';

interface Row {
  id: string;
  bake_key: string;
  region: string;
  provider: string;
  state: string;
  result: string | null;
  phase: string;
  message: string | null;
  execution_id: string | null;
  user_name: string | null;
  recipe_json: string;
  run_dir: string;
  pid: number | null;
  cancel_requested: number;
  out_offset: number;
  image_name: string | null;
  base_image: string | null;
  images_json: string;
  files_json: string;
  forgotten: number;
  created_ms: number;
  updated_ms: number;
  started_ms: number | null;
  ended_ms: number | null;
  attempt: number;
}

function fromRow(r: Row): BakeRecord {
  return {
    id: r.id,
    bakeKey: r.bake_key,
    region: r.region,
    provider: r.provider,
    state: r.state as BakeRecord['state'],
    ...(r.result ? { result: r.result as NonNullable<BakeRecord['result']> } : {}),
    phase: r.phase as BakeRecord['phase'],
    ...(r.message ? { message: r.message } : {}),
    ...(r.execution_id ? { executionId: r.execution_id } : {}),
    ...(r.user_name ? { user: r.user_name } : {}),
    recipe: JSON.parse(r.recipe_json) as BakeRecord['recipe'],
    runDir: r.run_dir,
    ...(r.pid !== null ? { pid: r.pid } : {}),
    cancelRequested: r.cancel_requested === 1,
    outOffset: r.out_offset,
    ...(r.image_name ? { imageName: r.image_name } : {}),
    ...(r.base_image ? { baseImage: r.base_image } : {}),
    images: JSON.parse(r.images_json) as BakeRecord['images'],
    files: JSON.parse(r.files_json) as string[],
    forgotten: r.forgotten === 1,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    ...(r.started_ms !== null ? { startedMs: r.started_ms } : {}),
    ...(r.ended_ms !== null ? { endedMs: r.ended_ms } : {}),
    ...(r.attempt > 1 ? { attempt: r.attempt } : {}),
  };
}

/**
 * The `@name` parameters `sql` uses, taken from `row`: node:sqlite refuses a named-parameter object with keys the
 * statement does not name (better-sqlite3 ignored them).
 */
function named(sql: string, row: Row): Record<string, Row[keyof Row]> {
  const out: Record<string, Row[keyof Row]> = {};
  for (const [, name] of sql.matchAll(/@(\w+)/g)) out[name!] = row[name as keyof Row];
  return out;
}

/**
 * Bake records, their logs and the image → bake index in SQLite (`deps.database`, or a private in-memory database).
 * One process owns the file: the statements run synchronously inside each call, so a check-then-insert in one call
 * cannot interleave with another request.
 */
export class SqliteBakeStore implements BakeStore {
  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS bake_bakes (
        id TEXT PRIMARY KEY,
        bake_key TEXT NOT NULL,
        region TEXT NOT NULL,
        provider TEXT NOT NULL,
        state TEXT NOT NULL,
        result TEXT,
        phase TEXT NOT NULL,
        message TEXT,
        execution_id TEXT,
        user_name TEXT,
        recipe_json TEXT NOT NULL,
        run_dir TEXT NOT NULL,
        pid INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        out_offset INTEGER NOT NULL DEFAULT 0,
        image_name TEXT,
        base_image TEXT,
        images_json TEXT NOT NULL DEFAULT '[]',
        files_json TEXT NOT NULL DEFAULT '[]',
        forgotten INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        started_ms INTEGER,
        ended_ms INTEGER
      );
      CREATE INDEX IF NOT EXISTS bake_bakes_key ON bake_bakes (bake_key, created_ms);
      CREATE INDEX IF NOT EXISTS bake_bakes_phase ON bake_bakes (phase, created_ms);
      CREATE INDEX IF NOT EXISTS bake_bakes_execution ON bake_bakes (execution_id);
      CREATE TABLE IF NOT EXISTS bake_log_lines (
        bake_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts_ms INTEGER NOT NULL,
        line TEXT NOT NULL,
        PRIMARY KEY (bake_id, seq)
      );
      CREATE TABLE IF NOT EXISTS bake_images (
        region TEXT NOT NULL,
        image_id TEXT NOT NULL,
        bake_id TEXT NOT NULL,
        PRIMARY KEY (region, image_id)
      );
    `);
    // Files made before bake attempts lack the column.
    const columns = db.prepare('PRAGMA table_info(bake_bakes)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'attempt')) db.exec('ALTER TABLE bake_bakes ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1');
  }

  async insert(b: BakeRecord, options: { dedupe: boolean } = { dedupe: false }): Promise<InsertResult> {
    if (options.dedupe) {
      const live = this.db
        .prepare(`SELECT * FROM bake_bakes WHERE bake_key = ? AND forgotten = 0 AND state = 'RUNNING' ORDER BY created_ms DESC, rowid DESC LIMIT 1`)
        .get(b.bakeKey) as Row | undefined;
      if (live) return { bake: fromRow(live), created: false };
    }
    const sql = `INSERT INTO bake_bakes (id, bake_key, region, provider, state, result, phase, message, execution_id, user_name, recipe_json, run_dir,
           pid, cancel_requested, out_offset, image_name, base_image, images_json, files_json, forgotten, created_ms, updated_ms, started_ms, ended_ms, attempt)
         VALUES (@id, @bake_key, @region, @provider, @state, @result, @phase, @message, @execution_id, @user_name, @recipe_json, @run_dir,
           @pid, @cancel_requested, @out_offset, @image_name, @base_image, @images_json, @files_json, @forgotten, @created_ms, @updated_ms, @started_ms, @ended_ms, @attempt)`;
    this.db.prepare(sql).run(named(sql, this.toRow(b)));
    return { bake: (await this.get(b.id))!, created: true };
  }

  private toRow(b: BakeRecord): Row {
    return {
      id: b.id,
      bake_key: b.bakeKey,
      region: b.region,
      provider: b.provider,
      state: b.state,
      result: b.result ?? null,
      phase: b.phase,
      message: b.message ?? null,
      execution_id: b.executionId ?? null,
      user_name: b.user ?? null,
      recipe_json: JSON.stringify(b.recipe),
      run_dir: b.runDir,
      pid: b.pid ?? null,
      cancel_requested: b.cancelRequested ? 1 : 0,
      out_offset: b.outOffset,
      image_name: b.imageName ?? null,
      base_image: b.baseImage ?? null,
      images_json: JSON.stringify(b.images),
      files_json: JSON.stringify(b.files),
      forgotten: b.forgotten ? 1 : 0,
      created_ms: b.createdMs,
      updated_ms: b.updatedMs,
      started_ms: b.startedMs ?? null,
      ended_ms: b.endedMs ?? null,
      attempt: b.attempt ?? 1,
    };
  }

  async update(b: BakeRecord): Promise<void> {
    const row = this.toRow(b);
    const sql = `UPDATE bake_bakes SET bake_key=@bake_key, state=@state, result=@result, phase=@phase, message=@message, pid=@pid,
           cancel_requested=MAX(cancel_requested, @cancel_requested), out_offset=@out_offset, image_name=@image_name, base_image=@base_image, images_json=@images_json,
           files_json=@files_json, forgotten=MAX(forgotten, @forgotten), updated_ms=@updated_ms, started_ms=@started_ms, ended_ms=@ended_ms, attempt=@attempt, run_dir=@run_dir, recipe_json=@recipe_json
         WHERE id=@id AND NOT (state != 'RUNNING' AND @state = 'RUNNING') AND attempt <= @attempt`;
    this.db.prepare(sql).run(named(sql, row));
  }

  async get(id: string): Promise<BakeRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM bake_bakes WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** The newest bake with this key that is running (or queued) or succeeded, unless forgotten. */
  async findReusable(bakeKey: string): Promise<BakeRecord | undefined> {
    const r = this.db
      .prepare(
        `SELECT * FROM bake_bakes WHERE bake_key = ? AND forgotten = 0 AND (state = 'RUNNING' OR (state = 'COMPLETED' AND result = 'SUCCESS'))
         ORDER BY created_ms DESC, rowid DESC LIMIT 1`,
      )
      .get(bakeKey) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** The newest bake with this key, in any state, unless forgotten. */
  async findLatest(bakeKey: string): Promise<BakeRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM bake_bakes WHERE bake_key = ? AND forgotten = 0 ORDER BY created_ms DESC, rowid DESC LIMIT 1').get(bakeKey) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  async listByPhase(phase: BakeRecord['phase']): Promise<BakeRecord[]> {
    return (this.db.prepare('SELECT * FROM bake_bakes WHERE phase = ? ORDER BY created_ms, rowid').all(phase) as Row[]).map(fromRow);
  }

  async listIncomplete(): Promise<BakeRecord[]> {
    return (this.db.prepare(`SELECT * FROM bake_bakes WHERE state = 'RUNNING' ORDER BY created_ms, rowid`).all() as Row[]).map(fromRow);
  }

  async listEnded(): Promise<BakeRecord[]> {
    return (this.db.prepare(`SELECT * FROM bake_bakes WHERE state != 'RUNNING' ORDER BY created_ms, rowid`).all() as Row[]).map(fromRow);
  }

  /** 1-based position among queued bakes, or undefined when not queued. */
  async queuePosition(id: string): Promise<number | undefined> {
    const ids = this.db.prepare(`SELECT id FROM bake_bakes WHERE phase = 'queued' ORDER BY created_ms, rowid`).all() as { id: string }[];
    const i = ids.findIndex((r) => r.id === id);
    return i < 0 ? undefined : i + 1;
  }

  async listByExecution(executionId: string): Promise<BakeRecord[]> {
    return (this.db.prepare('SELECT * FROM bake_bakes WHERE execution_id = ?').all(executionId) as Row[]).map(fromRow);
  }

  async regionsOf(provider: string): Promise<string[]> {
    return (this.db.prepare('SELECT DISTINCT region FROM bake_bakes WHERE provider = ?').all(provider) as { region: string }[]).map((r) => r.region);
  }

  async delete(id: string): Promise<void> {
    transaction(this.db, () => {
      this.db.prepare('DELETE FROM bake_log_lines WHERE bake_id = ?').run(id);
      this.db.prepare('DELETE FROM bake_images WHERE bake_id = ?').run(id);
      this.db.prepare('DELETE FROM bake_bakes WHERE id = ?').run(id);
    });
  }

  /** Appends log lines and records how far Packer's output file has been read, atomically. */
  async appendLog(id: string, lines: { timestampMs: number; text: string }[], outOffset: number, from?: Pick<BakeRecord, 'ownerId' | 'attempt'>): Promise<void> {
    transaction(this.db, () => {
      if (from) {
        const r = this.db.prepare('SELECT attempt FROM bake_bakes WHERE id = ?').get(id) as { attempt: number } | undefined;
        if (r && r.attempt > (from.attempt ?? 1)) return; // output of an older attempt (fencing)
      }
      const max = this.db.prepare('SELECT COALESCE(MAX(seq), -1) AS m FROM bake_log_lines WHERE bake_id = ?').get(id) as { m: number };
      const ins = this.db.prepare('INSERT INTO bake_log_lines (bake_id, seq, ts_ms, line) VALUES (?, ?, ?, ?)');
      let seq = max.m + 1;
      for (const l of lines) ins.run(id, seq++, l.timestampMs, l.text);
      this.db.prepare('UPDATE bake_bakes SET out_offset = ?, updated_ms = ? WHERE id = ?').run(outOffset, Date.now(), id);
    });
  }

  async readLog(id: string, offset = 0, limit = 1_000_000): Promise<LogLine[]> {
    return (
      this.db.prepare('SELECT seq, ts_ms, line FROM bake_log_lines WHERE bake_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(id, offset, limit) as {
        seq: number;
        ts_ms: number;
        line: string;
      }[]
    ).map((r) => ({ seq: r.seq, timestampMs: r.ts_ms, text: r.line }));
  }

  async hasLog(id: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM bake_log_lines WHERE bake_id = ? LIMIT 1').get(id) !== undefined;
  }

  async indexImages(bakeId: string, images: { region: string; imageId: string }[]): Promise<void> {
    const ins = this.db.prepare('INSERT OR REPLACE INTO bake_images (region, image_id, bake_id) VALUES (?, ?, ?)');
    transaction(this.db, () => {
      for (const i of images) ins.run(i.region, i.imageId, bakeId);
    });
  }

  async bakeForImage(region: string, imageId: string): Promise<string | undefined> {
    const r = this.db.prepare('SELECT bake_id FROM bake_images WHERE image_id = ? AND (region = ? OR region = ?) LIMIT 1').get(imageId, region, '*') as
      | { bake_id: string }
      | undefined;
    return r?.bake_id;
  }

  owns(): boolean {
    return true;
  }

  async heartbeat(): Promise<void> {}

  async adoptOrphans(): Promise<AdoptedBake[]> {
    return [];
  }
}
