import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres, type PgDatabase } from './openPostgres.js';

/** Where the PostgreSQL suites run: `OUTRIGGER_TEST_PG_URL`, or the local server's `test` database. */
export const TEST_PG_URL = process.env.OUTRIGGER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `OUTRIGGER_TEST_PG_REQUIRED=1` (set by `.ci/run`) turns "no server, suites skipped" into a failure. */
export const TEST_PG_REQUIRED = process.env.OUTRIGGER_TEST_PG_REQUIRED === '1';

export interface TestPostgres {
  url: string;
  /** A schema of its own (`outrigger_t_<random>`), so parallel runs never see each other's rows. */
  schema: string;
  /** A new pool on the test schema (each store or replica opens its own, as separate processes would). */
  open(): PgDatabase;
  /** Drops the schema and closes every pool opened here. */
  drop(): Promise<void>;
}

let answers: Promise<string | undefined> | undefined;

/** Why the test server cannot be used, or undefined when it answers. Asked once per test file. */
export function pgUnavailable(): Promise<string | undefined> {
  answers ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (err) {
      return `PostgreSQL at ${TEST_PG_URL} does not answer (${(err as Error).message || String(err)})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return answers;
}

/**
 * A fresh schema on the test server, or undefined when no server answers (the PostgreSQL suites then skip, unless
 * `OUTRIGGER_TEST_PG_REQUIRED=1`, which makes this throw).
 */
export async function createTestPostgres(): Promise<TestPostgres | undefined> {
  const why = await pgUnavailable();
  if (why) {
    if (TEST_PG_REQUIRED) throw new Error(`${why}, and OUTRIGGER_TEST_PG_REQUIRED=1`);
    return undefined;
  }
  const schema = `outrigger_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const pools: PgDatabase[] = [];
  return {
    url: TEST_PG_URL,
    schema,
    open() {
      const db = openPostgres({ url: TEST_PG_URL, schema, max: 4 });
      pools.push(db);
      return db;
    },
    async drop() {
      await Promise.all(pools.map((p) => p.close().catch(() => {})));
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
