import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, transaction, type SqliteDatabase } from './openSqlite.js';

const dirs: string[] = [];
const dbs: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(file = ':memory:') {
  const db = openSqlite(file);
  dbs.push(db);
  db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER)');
  return db;
}
const count = (db: SqliteDatabase) => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

describe('openSqlite', () => {
  it('opens a file in WAL mode with a busy timeout and foreign keys on', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'outrigger-sqlite-'));
    dirs.push(dir);
    const db = open(path.join(dir, 'a.db'));
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
    expect(db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
  });

  it('creates the data directory 0700 and the database and its WAL/SHM files 0600', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'outrigger-sqlite-'));
    dirs.push(root);
    const dataDir = path.join(root, 'data');
    const file = path.join(dataDir, 'outrigger.db');
    const umask = process.umask(0o022);
    try {
      const db = open(file);
      db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1);
      const mode = (f: string) => statSync(f).mode & 0o777;
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
    } finally {
      process.umask(umask);
    }
  });

  it('reads back positional parameters; a missing row is undefined', () => {
    const db = open();
    db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1);
    expect(db.prepare('SELECT k, v FROM t WHERE k = ?').get('a')).toEqual({ k: 'a', v: 1 });
    expect(db.prepare('SELECT k, v FROM t WHERE k = ?').get('b')).toBeUndefined();
    expect(db.prepare('UPDATE t SET v = ? WHERE k = ?').run(2, 'a').changes).toBe(1);
  });
});

describe('transaction', () => {
  it('commits what the function wrote and returns its result', () => {
    const db = open();
    const r = transaction(db, () => {
      db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1);
      return 'done';
    });
    expect(r).toBe('done');
    expect(count(db)).toBe(1);
  });

  it('rolls everything back when the function throws, and rethrows', () => {
    const db = open();
    expect(() =>
      transaction(db, () => {
        db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(count(db)).toBe(0);
    // the connection is usable again afterwards
    transaction(db, () => db.prepare('INSERT INTO t VALUES (?, ?)').run('b', 1));
    expect(count(db)).toBe(1);
  });

  it('nests as a savepoint: an inner failure undoes only the inner writes', () => {
    const db = open();
    transaction(db, () => {
      db.prepare('INSERT INTO t VALUES (?, ?)').run('outer', 1);
      expect(() =>
        transaction(db, () => {
          db.prepare('INSERT INTO t VALUES (?, ?)').run('inner', 1);
          throw new Error('inner');
        }),
      ).toThrow('inner');
      transaction(db, () => db.prepare('INSERT INTO t VALUES (?, ?)').run('inner2', 1));
    });
    expect((db.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k)).toEqual(['inner2', 'outer']);
  });

  it('refuses an async function (a transaction cannot span an await) and leaves nothing open', () => {
    const db = open();
    expect(() => transaction(db, async () => db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1))).toThrow(/synchronous/);
    expect(count(db)).toBe(0);
    transaction(db, () => db.prepare('INSERT INTO t VALUES (?, ?)').run('b', 1));
    expect(count(db)).toBe(1);
  });
});
