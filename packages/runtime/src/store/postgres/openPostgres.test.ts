import { afterAll, describe, expect, it } from 'vitest';
import { openPostgres, redactUrl } from './openPostgres.js';
import { createTestPostgres } from './testPostgres.js';

const pg = await createTestPostgres();
afterAll(() => pg?.drop());

describe.skipIf(!pg)('openPostgres', () => {
  it('runs each migration version once when several replicas start at the same moment', async () => {
    const migrations = ['CREATE TABLE mig_a (id INT PRIMARY KEY)', 'ALTER TABLE mig_a ADD COLUMN note TEXT', 'INSERT INTO mig_a (id, note) VALUES (1, $$seed$$)'];
    const replicas = [0, 1, 2, 3, 4].map(() => pg!.open());
    await Promise.all(replicas.map((db) => db.migrate('mig', migrations)));
    expect(await replicas[0]!.query('SELECT id, note FROM mig_a')).toEqual([{ id: 1, note: 'seed' }]);
    expect(await replicas[0]!.query('SELECT version FROM outrigger_migrations WHERE component = $1 ORDER BY version', ['mig'])).toEqual([
      { version: 1 },
      { version: 2 },
      { version: 3 },
    ]);
    // A later release appends a version; an older replica's list is a prefix and changes nothing.
    await replicas[1]!.migrate('mig', [...migrations, 'ALTER TABLE mig_a ADD COLUMN extra INT']);
    await replicas[2]!.migrate('mig', migrations);
    expect((await replicas[0]!.query('SELECT * FROM mig_a'))[0]).toEqual({ id: 1, note: 'seed', extra: null });
  });

  it('creates its schema when missing and reads BIGINT as a number', async () => {
    const schema = `${pg!.schema}_x`;
    const db = openPostgres({ url: pg!.url, schema, max: 1 });
    try {
      await db.migrate('n', ['CREATE TABLE n (v BIGINT)', 'INSERT INTO n VALUES (1700000000123)']);
      expect(await db.query('SELECT v FROM n')).toEqual([{ v: 1700000000123 }]);
    } finally {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    }
  });

  it('rolls a failing transaction back', async () => {
    const db = pg!.open();
    await db.query('CREATE TABLE tx_t (v INT)');
    await expect(
      db.tx(async (c) => {
        await c.query('INSERT INTO tx_t VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query('SELECT * FROM tx_t')).toEqual([]);
  });

  it('refuses a schema name that is not a plain identifier, and never shows a password', () => {
    expect(() => openPostgres({ url: pg!.url, schema: 'x; DROP TABLE y' })).toThrow(/not a plain/);
    expect(redactUrl('postgres://app:s3cret@db:5432/outrigger')).toBe('postgres://app:***@db:5432/outrigger');
  });
});
