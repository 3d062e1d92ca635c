import type { Logger } from 'pino';
import type { LambdaFunction } from '@outrigger/contract';
import type { Migrations, PgDatabase } from '@outrigger/runtime';
import type { FunctionInventory, SnapshotEntry } from './FunctionInventory.js';

export const INVENTORY_MIGRATIONS: Migrations = [
  `CREATE TABLE lambda_functions (
     account TEXT NOT NULL,
     region TEXT NOT NULL,
     name TEXT NOT NULL,
     revision_id TEXT,
     last_modified TEXT,
     hydrated_at BIGINT NOT NULL,
     body JSONB NOT NULL,
     PRIMARY KEY (account, region, name)
   );`,
  // Every write takes a new `seq`, so a follower can tell whether a region changed without reading it: any put raises
  // max(seq), any delete lowers count(*), so (count, max) changes with every write. A trigger sets it on update, so a
  // replica one release behind (whose upsert does not name `seq`) still moves it during a rolling update.
  `CREATE SEQUENCE lambda_functions_seq;
   ALTER TABLE lambda_functions ADD COLUMN seq BIGINT NOT NULL DEFAULT nextval('lambda_functions_seq');
   CREATE FUNCTION lambda_functions_next_seq() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN NEW.seq := nextval('lambda_functions_seq'); RETURN NEW; END $$;
   CREATE TRIGGER lambda_functions_seq BEFORE UPDATE ON lambda_functions FOR EACH ROW EXECUTE FUNCTION lambda_functions_next_seq();`,
];

/**
 * The Lambda inventory shared by several replicas (PostgreSQL): every change the inventory makes is written through
 * to `lambda_functions` (in order, off the request path), and `load` reads one account/region back.
 */
export class PostgresInventorySnapshot {
  private chain: Promise<unknown>;

  constructor(
    private readonly db: PgDatabase,
    private readonly logger: Logger,
  ) {
    this.chain = db.migrate('lambda_inventory', INVENTORY_MIGRATIONS);
    this.chain.catch((err) => logger.warn({ err }, 'lambda inventory snapshot: migration failed'));
  }

  private enqueue(sql: string, params: unknown[]) {
    this.chain = this.chain
      .catch(() => {})
      .then(() => this.db.query(sql, params))
      .catch((err) => this.logger.warn({ err }, 'lambda inventory snapshot: write failed; the next change or listing writes it again'));
  }

  put(key: string, e: SnapshotEntry): void {
    const [account, region, name] = key.split('\u0000') as [string, string, string];
    this.enqueue(
      `INSERT INTO lambda_functions (account, region, name, revision_id, last_modified, hydrated_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
       ON CONFLICT (account, region, name) DO UPDATE SET revision_id = EXCLUDED.revision_id, last_modified = EXCLUDED.last_modified,
         hydrated_at = EXCLUDED.hydrated_at, body = EXCLUDED.body`,
      [account, region, name, e.revisionId ?? null, e.lastModified ?? null, e.hydratedAt, JSON.stringify(e.fn)],
    );
  }

  del(key: string): void {
    const [account, region, name] = key.split('\u0000') as [string, string, string];
    this.enqueue('DELETE FROM lambda_functions WHERE account = $1 AND region = $2 AND name = $3', [account, region, name]);
  }

  /** Waits for the writes queued so far. */
  async flush(): Promise<void> {
    await this.chain.catch(() => {});
  }

  async load(account: string, region: string): Promise<SnapshotEntry[]> {
    return (await this.loadVersioned(account, region)).entries;
  }

  /** One account/region's entries and the version they are (`count:maxSeq`, as `version` answers for the same rows). */
  async loadVersioned(account: string, region: string): Promise<{ entries: SnapshotEntry[]; version: string }> {
    await this.flush();
    const rows = await this.db.query<{ revision_id: string | null; last_modified: string | null; hydrated_at: number; body: LambdaFunction; seq: string }>(
      'SELECT revision_id, last_modified, hydrated_at, body, seq::text AS seq FROM lambda_functions WHERE account = $1 AND region = $2',
      [account, region],
    );
    const maxSeq = rows.reduce((m, r) => (BigInt(r.seq) > m ? BigInt(r.seq) : m), 0n);
    return {
      entries: rows.map((r) => ({ fn: r.body, revisionId: r.revision_id ?? undefined, lastModified: r.last_modified ?? undefined, hydratedAt: r.hydrated_at })),
      version: `${rows.length}:${maxSeq}`,
    };
  }

  /** The version of one account/region without reading its functions: changes with every put or delete there. */
  async version(account: string, region: string): Promise<string> {
    await this.flush();
    const rows = await this.db.query<{ n: string; max: string }>(
      'SELECT count(*)::text AS n, coalesce(max(seq), 0)::text AS max FROM lambda_functions WHERE account = $1 AND region = $2',
      [account, region],
    );
    return `${rows[0]?.n ?? 0}:${rows[0]?.max ?? 0}`;
  }
}

export interface Lane {
  account: string;
  region: string;
}

/**
 * One poller per account/region across replicas: a session-level advisory lock per lane, held on one dedicated
 * connection. The replica holding a lane's lock lists and reads AWS for it (and consumes its change feed); the others
 * check the lane's snapshot version every `intervalMs` and load it only when it changed (one small count per lane and
 * pass when nothing changed, instead of every function's row). When the poller dies its connection closes, PostgreSQL
 * releases the lock, and the next replica to try (within `intervalMs`) becomes the poller.
 */
export class PollerLeases {
  private client?: { query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>; release(err?: boolean | Error): void };
  private readonly held = new Set<string>();
  /** For the lanes another replica polls: the snapshot version this replica serves. */
  private readonly loaded = new Map<string, string>();
  /** Snapshot loads of lanes another replica polls, and passes that found such a lane unchanged (tests, health). */
  readonly followerLoads = { loaded: 0, unchanged: 0 };
  private timer?: NodeJS.Timeout;
  private passing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: PgDatabase;
      snapshot: PostgresInventorySnapshot;
      inventory: FunctionInventory;
      lanes: Lane[];
      intervalMs: number;
      logger: Logger;
      /** This replica became the lane's poller / stopped being it. */
      onAcquire(lane: Lane): Promise<void> | void;
      onRelease(lane: Lane): Promise<void> | void;
    },
  ) {}

  private lockKey(l: Lane) {
    return `outrigger-lambda-poller:${this.deps.db.schema}:${l.account}:${l.region}`;
  }

  /** Whether this replica polls the lane now. */
  polls(account: string, region: string): boolean {
    return this.held.has(`${account}/${region}`);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.pass();
    this.timer = setInterval(() => void this.pass(), this.deps.intervalMs);
    this.timer.unref();
  }

  /** One pass: keep or regain the lease connection, try to take free lanes, load the lanes others poll. */
  pass(): Promise<void> {
    this.passing ??= this.passNow().finally(() => (this.passing = undefined));
    return this.passing;
  }

  private async loseAll(why: string) {
    if (this.held.size) this.deps.logger.warn({ lanes: [...this.held] }, `lambda inventory: poller leases lost (${why})`);
    for (const k of [...this.held]) {
      this.held.delete(k);
      const [account, region] = k.split('/') as [string, string];
      await this.deps.onRelease({ account, region });
    }
  }

  private async passNow(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const c = await this.deps.db.pool.connect();
        c.on('error', () => {
          if (this.client === (c as never)) {
            this.client = undefined;
            void this.loseAll('lease connection failed');
          }
        });
        this.client = c as never;
      }
      for (const l of this.deps.lanes) {
        const k = `${l.account}/${l.region}`;
        if (this.held.has(k)) continue;
        const r = await this.client!.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [this.lockKey(l)]);
        if (r.rows[0]?.ok) {
          this.held.add(k);
          this.loaded.delete(k);
          this.deps.logger.info({ account: l.account, region: l.region }, 'lambda inventory: this replica polls the region');
          // Start from what the previous poller left, so nothing is read again that did not change.
          this.deps.inventory.replaceRegion(l.account, l.region, await this.deps.snapshot.load(l.account, l.region));
          await this.deps.onAcquire(l);
        }
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'lambda inventory: poller lease pass failed');
      if (this.client) {
        const c = this.client;
        this.client = undefined;
        c.release(true);
        await this.loseAll('lease connection failed');
      }
    }
    for (const l of this.deps.lanes) {
      const k = `${l.account}/${l.region}`;
      if (this.held.has(k)) continue;
      try {
        const served = this.loaded.get(k);
        if (served !== undefined && served === (await this.deps.snapshot.version(l.account, l.region))) {
          this.followerLoads.unchanged++;
          continue;
        }
        const { entries, version } = await this.deps.snapshot.loadVersioned(l.account, l.region);
        this.deps.inventory.replaceRegion(l.account, l.region, entries);
        this.loaded.set(k, version);
        this.followerLoads.loaded++;
      } catch (err) {
        this.deps.logger.warn({ err, account: l.account, region: l.region }, 'lambda inventory: could not load the shared snapshot; serving the last one');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.passing?.catch(() => {});
    for (const k of [...this.held]) {
      this.held.delete(k);
      const [account, region] = k.split('/') as [string, string];
      await this.deps.onRelease({ account, region });
    }
    // The snapshot complete first, then the locks: the next poller starts from everything this one read. Releasing
    // the connection with an error closes it, and PostgreSQL drops every advisory lock it held.
    await this.deps.snapshot.flush();
    this.client?.release(true);
    this.client = undefined;
  }
}
