import pg from 'pg';

/** One SQL statement's client: the pool itself, or the connection of a transaction. */
export interface PgQueryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
}

/** A component's versioned schema changes: `[version 1 SQL, version 2 SQL, …]`. Never edit a shipped entry; append. */
export type Migrations = readonly string[];

/**
 * The shared PostgreSQL database every replica uses (`storage: {type: postgres}`). Stores take it, run their
 * migrations once (`migrate`) and query through it; `tx` runs a function in one transaction on one connection.
 */
export interface PgDatabase extends PgQueryable {
  readonly schema: string;
  readonly pool: pg.Pool;
  tx<T>(fn: (client: PgQueryable) => Promise<T>): Promise<T>;
  /**
   * Brings `component`'s tables to the newest version. Safe when several replicas start at once: the whole
   * migration runs under a transaction-scoped advisory lock, and applied versions are recorded in
   * `outrigger_migrations`, so each version runs exactly once per schema.
   */
  migrate(component: string, migrations: Migrations): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  url: string;
  /** Overrides the URL's password (so a password with URL-special characters need not be escaped). */
  password?: string;
  /** The schema outrigger's tables live in (created if missing). */
  schema?: string;
  /** Pool size. */
  max?: number;
  /** Application name shown in `pg_stat_activity`. */
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// BIGINT (int8) and NUMERIC come back as strings by default; outrigger's BIGINTs are epoch milliseconds and counts,
// well inside Number's exact range.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

/** Opens a pool on the database named by `url`, with `search_path` set to `schema` (default `public`). */
export function openPostgres(options: PostgresOptions): PgDatabase {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`storage.schema: "${schema}" is not a plain lower-case PostgreSQL identifier`);
  const pool = new pg.Pool({
    connectionString: options.url,
    ...(options.password !== undefined ? { password: options.password } : {}),
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'outrigger',
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle connection the server drops (restart, failover) must not crash the process; the next query reconnects.
  pool.on('error', () => {});

  const run =
    (c: pg.Pool | pg.PoolClient): PgQueryable['query'] =>
    async (sql, params) =>
      (await c.query(sql, params as unknown[])).rows as never;

  const db: PgDatabase = {
    schema,
    pool,
    query: run(pool),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({ query: run(client) });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async migrate(component, migrations) {
      await db.tx(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`outrigger-migrate:${schema}`]);
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await c.query(
          `CREATE TABLE IF NOT EXISTS outrigger_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`,
        );
        const done = new Set(
          (await c.query<{ version: number }>('SELECT version FROM outrigger_migrations WHERE component = $1', [component])).map((r) => r.version),
        );
        for (const [i, sql] of migrations.entries()) {
          const version = i + 1;
          if (done.has(version)) continue;
          await c.query(sql);
          await c.query('INSERT INTO outrigger_migrations (component, version) VALUES ($1, $2)', [component, version]);
        }
      });
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

/** The URL with its password replaced by `***`, for logs and the start line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
