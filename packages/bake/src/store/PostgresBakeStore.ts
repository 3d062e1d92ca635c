import type { Migrations, PgDatabase, PgQueryable } from '@outrigger/runtime';
import type { BakeRecord, LogLine } from './BakeRecord.js';
import type { AdoptedBake, BakeStore, InsertResult } from './BakeStore.js';

interface Row extends Record<string, unknown> {
  id: string;
  bake_key: string;
  dedupe_key: string | null;
  region: string;
  provider: string;
  state: string;
  result: string | null;
  phase: string;
  message: string | null;
  execution_id: string | null;
  user_name: string | null;
  recipe: BakeRecord['recipe'];
  run_dir: string;
  pid: number | null;
  cancel_requested: boolean;
  out_offset: number;
  image_name: string | null;
  base_image: string | null;
  images: BakeRecord['images'];
  files: string[];
  forgotten: boolean;
  created_ms: number;
  updated_ms: number;
  started_ms: number | null;
  ended_ms: number | null;
  owner_id: string;
  attempt: number;
  seq: number;
}

/**
 * Version 1. `dedupe_key` is the bake key of a non-rebake request: at most one live (RUNNING, not forgotten) bake may
 * hold it, so two identical requests on two replicas at once insert exactly one bake. `owner_id` is the replica that
 * runs the bake's Packer; `bake_owners` holds each replica's heartbeat, and a replica silent for long enough loses its
 * bakes to one that adopts them (`attempt` counts the Packer runs of one bake id).
 */
export const BAKE_MIGRATIONS: Migrations = [
  `CREATE TABLE bake_bakes (
     seq BIGSERIAL UNIQUE,
     id TEXT PRIMARY KEY,
     bake_key TEXT NOT NULL,
     dedupe_key TEXT,
     region TEXT NOT NULL,
     provider TEXT NOT NULL,
     state TEXT NOT NULL,
     result TEXT,
     phase TEXT NOT NULL,
     message TEXT,
     execution_id TEXT,
     user_name TEXT,
     recipe JSONB NOT NULL,
     run_dir TEXT NOT NULL,
     pid INTEGER,
     cancel_requested BOOLEAN NOT NULL DEFAULT false,
     out_offset BIGINT NOT NULL DEFAULT 0,
     image_name TEXT,
     base_image TEXT,
     images JSONB NOT NULL DEFAULT '[]',
     files JSONB NOT NULL DEFAULT '[]',
     forgotten BOOLEAN NOT NULL DEFAULT false,
     created_ms BIGINT NOT NULL,
     updated_ms BIGINT NOT NULL,
     started_ms BIGINT,
     ended_ms BIGINT,
     owner_id TEXT NOT NULL,
     attempt INTEGER NOT NULL DEFAULT 1
   );
   CREATE UNIQUE INDEX bake_bakes_live_key ON bake_bakes (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'RUNNING' AND NOT forgotten;
   CREATE INDEX bake_bakes_key ON bake_bakes (bake_key, created_ms);
   CREATE INDEX bake_bakes_live ON bake_bakes (owner_id, phase) WHERE state = 'RUNNING';
   CREATE INDEX bake_bakes_execution ON bake_bakes (execution_id);
   CREATE TABLE bake_log_lines (
     bake_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     ts_ms BIGINT NOT NULL,
     line TEXT NOT NULL,
     PRIMARY KEY (bake_id, seq)
   );
   CREATE TABLE bake_images (
     region TEXT NOT NULL,
     image_id TEXT NOT NULL,
     bake_id TEXT NOT NULL,
     PRIMARY KEY (region, image_id)
   );
   CREATE TABLE bake_owners (
     owner_id TEXT PRIMARY KEY,
     heartbeat_ms BIGINT NOT NULL
   );`,
];

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
    recipe: r.recipe,
    runDir: r.run_dir,
    ...(r.pid !== null ? { pid: r.pid } : {}),
    cancelRequested: r.cancel_requested,
    outOffset: r.out_offset,
    ...(r.image_name ? { imageName: r.image_name } : {}),
    ...(r.base_image ? { baseImage: r.base_image } : {}),
    images: r.images,
    files: r.files,
    forgotten: r.forgotten,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    ...(r.started_ms !== null ? { startedMs: r.started_ms } : {}),
    ...(r.ended_ms !== null ? { endedMs: r.ended_ms } : {}),
    attempt: r.attempt,
    ownerId: r.owner_id,
  };
}

const COLUMNS =
  'id, bake_key, dedupe_key, region, provider, state, result, phase, message, execution_id, user_name, recipe, run_dir, pid, cancel_requested, out_offset, image_name, base_image, images, files, forgotten, created_ms, updated_ms, started_ms, ended_ms, owner_id, attempt';

function values(b: BakeRecord, dedupeKey: string | null, ownerId: string): unknown[] {
  return [
    b.id,
    b.bakeKey,
    dedupeKey,
    b.region,
    b.provider,
    b.state,
    b.result ?? null,
    b.phase,
    b.message ?? null,
    b.executionId ?? null,
    b.user ?? null,
    JSON.stringify(b.recipe),
    b.runDir,
    b.pid ?? null,
    b.cancelRequested,
    b.outOffset,
    b.imageName ?? null,
    b.baseImage ?? null,
    JSON.stringify(b.images),
    JSON.stringify(b.files),
    b.forgotten,
    b.createdMs,
    b.updatedMs,
    b.startedMs ?? null,
    b.endedMs ?? null,
    ownerId,
    b.attempt ?? 1,
  ];
}

const REUSABLE = `state = 'RUNNING' OR (state = 'COMPLETED' AND result = 'SUCCESS')`;

/**
 * Bakes, their logs and the image → bake index in PostgreSQL, shared by every replica. Reads (a bake, its status, its
 * log) see every replica's bakes; the work lists (`listByPhase`) are this replica's own, so each replica's queue
 * starts and follows only the Packer runs it owns.
 */
export class PostgresBakeStore implements BakeStore {
  private readonly ready: Promise<void>;

  /** The tables are migrated on first use (the bake provider is composed synchronously). */
  constructor(
    private readonly pg: PgDatabase,
    readonly ownerId: string,
  ) {
    // Registered as alive from the first call on, so no other replica takes a bake inserted before the first beat.
    this.ready = pg
      .migrate('bakes', BAKE_MIGRATIONS)
      .then(() => pg.query('INSERT INTO bake_owners (owner_id, heartbeat_ms) VALUES ($1, $2) ON CONFLICT (owner_id) DO NOTHING', [ownerId, Date.now()]))
      .then(() => undefined);
    this.ready.catch(() => {}); // reported by the first call that awaits it
  }

  private readonly db: PgQueryable & Pick<PgDatabase, 'tx'> = {
    query: async (sql, params) => {
      await this.ready;
      return this.pg.query(sql, params);
    },
    tx: async (fn) => {
      await this.ready;
      return this.pg.tx(fn);
    },
  };

  async insert(b: BakeRecord, options: { dedupe: boolean } = { dedupe: false }): Promise<InsertResult> {
    for (;;) {
      const [row] = await this.db.query<Row>(
        `INSERT INTO bake_bakes (${COLUMNS}) VALUES (${COLUMNS.split(', ').map((c, i) => `$${i + 1}${['recipe', 'images', 'files'].includes(c) ? '::jsonb' : ''}`).join(', ')})
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'RUNNING' AND NOT forgotten DO NOTHING RETURNING *`,
        values(b, options.dedupe ? b.bakeKey : null, this.ownerId),
      );
      if (row) return { bake: fromRow(row), created: true };
      // Another replica (or request) holds the key with a live bake: that bake is the answer.
      const existing = await this.findReusable(b.bakeKey);
      if (existing) return { bake: existing, created: false };
    }
  }

  async update(b: BakeRecord): Promise<void> {
    await this.db.query(
      `UPDATE bake_bakes SET bake_key=$2, state=$3, result=$4, phase=$5, message=$6, pid=$7, cancel_requested=(cancel_requested OR $8), out_offset=$9,
         image_name=$10, base_image=$11, images=$12::jsonb, files=$13::jsonb, forgotten=(forgotten OR $14), updated_ms=$15, started_ms=$16, ended_ms=$17,
         run_dir=$18, attempt=$19, recipe=$20::jsonb
       WHERE id=$1 AND NOT (state <> 'RUNNING' AND $3 = 'RUNNING')
         -- Fencing: a write made from a record read before the bake changed hands (another replica adopted it, or a
         -- later attempt started) changes nothing. Cancel/forget from any replica carry the current owner and pass.
         AND ($21::text IS NULL OR owner_id = $21) AND attempt <= $19`,
      [
        b.id,
        b.bakeKey,
        b.state,
        b.result ?? null,
        b.phase,
        b.message ?? null,
        b.pid ?? null,
        b.cancelRequested,
        b.outOffset,
        b.imageName ?? null,
        b.baseImage ?? null,
        JSON.stringify(b.images),
        JSON.stringify(b.files),
        b.forgotten,
        b.updatedMs,
        b.startedMs ?? null,
        b.endedMs ?? null,
        b.runDir,
        b.attempt ?? 1,
        JSON.stringify(b.recipe),
        b.ownerId ?? null,
      ],
    );
  }

  owns(b: BakeRecord): boolean {
    return b.ownerId === undefined || b.ownerId === this.ownerId;
  }

  async get(id: string) {
    const [r] = await this.db.query<Row>('SELECT * FROM bake_bakes WHERE id = $1', [id]);
    return r && fromRow(r);
  }

  async findReusable(bakeKey: string) {
    const [r] = await this.db.query<Row>(`SELECT * FROM bake_bakes WHERE bake_key = $1 AND NOT forgotten AND (${REUSABLE}) ORDER BY created_ms DESC, seq DESC LIMIT 1`, [
      bakeKey,
    ]);
    return r && fromRow(r);
  }

  async findLatest(bakeKey: string) {
    const [r] = await this.db.query<Row>('SELECT * FROM bake_bakes WHERE bake_key = $1 AND NOT forgotten ORDER BY created_ms DESC, seq DESC LIMIT 1', [bakeKey]);
    return r && fromRow(r);
  }

  async listByPhase(phase: BakeRecord['phase']) {
    const rows = await this.db.query<Row>('SELECT * FROM bake_bakes WHERE phase = $1 AND owner_id = $2 ORDER BY created_ms, seq', [phase, this.ownerId]);
    return rows.map(fromRow);
  }

  async listIncomplete() {
    return (await this.db.query<Row>(`SELECT * FROM bake_bakes WHERE state = 'RUNNING' ORDER BY created_ms, seq`)).map(fromRow);
  }

  async listEnded() {
    return (await this.db.query<Row>(`SELECT * FROM bake_bakes WHERE state <> 'RUNNING' ORDER BY created_ms, seq`)).map(fromRow);
  }

  async queuePosition(id: string) {
    // The queue a bake waits in is its owner's.
    const [r] = await this.db.query<{ n: number }>(
      `SELECT (SELECT COUNT(*) FROM bake_bakes q WHERE q.phase = 'queued' AND q.owner_id = b.owner_id AND (q.created_ms, q.seq) <= (b.created_ms, b.seq))::bigint AS n
       FROM bake_bakes b WHERE b.id = $1 AND b.phase = 'queued'`,
      [id],
    );
    return r ? r.n : undefined;
  }

  async listByExecution(executionId: string) {
    return (await this.db.query<Row>('SELECT * FROM bake_bakes WHERE execution_id = $1 ORDER BY created_ms, seq', [executionId])).map(fromRow);
  }

  async regionsOf(provider: string) {
    return (await this.db.query<{ region: string }>('SELECT DISTINCT region FROM bake_bakes WHERE provider = $1', [provider])).map((r) => r.region);
  }

  async delete(id: string) {
    await this.db.tx(async (c) => {
      await c.query('DELETE FROM bake_log_lines WHERE bake_id = $1', [id]);
      await c.query('DELETE FROM bake_images WHERE bake_id = $1', [id]);
      await c.query('DELETE FROM bake_bakes WHERE id = $1', [id]);
    });
  }

  async appendLog(id: string, lines: { timestampMs: number; text: string }[], outOffset: number, from?: Pick<BakeRecord, 'ownerId' | 'attempt'>) {
    await this.db.tx(async (c) => {
      // The row lock orders concurrent appends to one bake's log (its owner's follower and a cancel on another replica).
      const [b] = await c.query<{ id: string; owner_id: string; attempt: number }>('SELECT id, owner_id, attempt FROM bake_bakes WHERE id = $1 FOR UPDATE', [id]);
      if (!b) return;
      // Fencing: Packer output read by a replica that no longer owns this run is dropped (it would also move the
      // adopter's output offset).
      if (from && ((from.ownerId !== undefined && b.owner_id !== from.ownerId) || b.attempt > (from.attempt ?? 1))) return;
      if (lines.length) {
        await c.query(
          `INSERT INTO bake_log_lines (bake_id, seq, ts_ms, line)
           SELECT $1, (SELECT COALESCE(MAX(seq), -1) FROM bake_log_lines WHERE bake_id = $1) + n, ts, line
           FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS l(ts, line, n)`,
          [id, lines.map((l) => l.timestampMs), lines.map((l) => l.text)],
        );
      }
      await c.query('UPDATE bake_bakes SET out_offset = $2, updated_ms = $3 WHERE id = $1', [id, outOffset, Date.now()]);
    });
  }

  async readLog(id: string, offset = 0, limit = 1_000_000): Promise<LogLine[]> {
    const rows = await this.db.query<{ seq: number; ts_ms: number; line: string }>(
      'SELECT seq, ts_ms, line FROM bake_log_lines WHERE bake_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3',
      [id, offset, limit],
    );
    return rows.map((r) => ({ seq: r.seq, timestampMs: r.ts_ms, text: r.line }));
  }

  async hasLog(id: string) {
    return (await this.db.query('SELECT 1 FROM bake_log_lines WHERE bake_id = $1 LIMIT 1', [id])).length > 0;
  }

  async indexImages(bakeId: string, images: { region: string; imageId: string }[]) {
    if (!images.length) return;
    await this.db.query(
      `INSERT INTO bake_images (region, image_id, bake_id) SELECT r, i, $1 FROM unnest($2::text[], $3::text[]) AS x(r, i)
       ON CONFLICT (region, image_id) DO UPDATE SET bake_id = EXCLUDED.bake_id`,
      [bakeId, images.map((i) => i.region), images.map((i) => i.imageId)],
    );
  }

  async bakeForImage(region: string, imageId: string) {
    const [r] = await this.db.query<{ bake_id: string }>('SELECT bake_id FROM bake_images WHERE image_id = $1 AND (region = $2 OR region = $3) LIMIT 1', [
      imageId,
      region,
      '*',
    ]);
    return r?.bake_id;
  }

  async heartbeat(now: number) {
    await this.db.query('INSERT INTO bake_owners (owner_id, heartbeat_ms) VALUES ($1, $2) ON CONFLICT (owner_id) DO UPDATE SET heartbeat_ms = EXCLUDED.heartbeat_ms', [
      this.ownerId,
      now,
    ]);
  }

  async adoptOrphans(staleBeforeMs: number, now: number): Promise<AdoptedBake[]> {
    return this.db.tx(async (c: PgQueryable) => {
      // Live bakes whose owner has been silent since `staleBeforeMs` (or never registered). SKIP LOCKED: when two
      // survivors sweep at once, each bake goes to exactly one of them.
      const rows = await c.query<Row>(
        `SELECT b.* FROM bake_bakes b LEFT JOIN bake_owners o ON o.owner_id = b.owner_id
         WHERE b.state = 'RUNNING' AND b.owner_id <> $1 AND (o.heartbeat_ms IS NULL OR o.heartbeat_ms < $2)
         ORDER BY b.created_ms, b.seq FOR UPDATE OF b SKIP LOCKED`,
        [this.ownerId, staleBeforeMs],
      );
      const out: AdoptedBake[] = [];
      for (const r of rows) {
        await c.query('UPDATE bake_bakes SET owner_id = $2, updated_ms = $3 WHERE id = $1', [r.id, this.ownerId, now]);
        out.push({ ...fromRow(r), ownerId: this.ownerId, updatedMs: now, adoptedFrom: r.owner_id });
      }
      return out;
    });
  }

}
