import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

/** A value SQLite can bind: the types `node:sqlite` accepts for a positional `?` parameter. */
export type SqliteValue = null | number | bigint | string | Uint8Array;

/** A prepared statement: the part of `node:sqlite`'s `StatementSync` the stores use. `P` are the parameters (positional `?` values of type {@link SqliteValue}, or one object for `@name` parameters), `R` the row shape read back. */
export interface SqliteStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

/**
 * The handle every embedded store receives: Node's built-in `node:sqlite` database, seen through the small API it
 * shares with other SQLite bindings (`exec`, `prepare().run/get/all` with positional `?` parameters, `close`). Rows
 * come back as plain objects (with a null prototype). Pragmas are set once in {@link openSqlite}; transactions go
 * through {@link transaction}. Node 22's `node:sqlite` cuts bound strings at a NUL character: encode values that may hold
 * one (JSON.stringify does).
 */
export interface SqliteDatabase {
  exec(sql: string): void;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): SqliteStatement<P, R>;
  close(): void;
}

const require = createRequire(import.meta.url);
let sqliteModule: typeof import('node:sqlite') | undefined;

/**
 * Loads `node:sqlite` on first use. Node 22 marks it experimental and prints an ExperimentalWarning when it loads;
 * that one warning is dropped here (it would print on every start), every other warning still reaches the process.
 */
function loadSqlite(): typeof import('node:sqlite') {
  if (sqliteModule) return sqliteModule;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if ((type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning') && /sqlite/i.test(text)) return;
    return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    sqliteModule = require('node:sqlite') as typeof import('node:sqlite');
  } finally {
    process.emitWarning = emitWarning;
  }
  return sqliteModule;
}

/**
 * Opens (creating if needed) the SQLite file every embedded store shares, in WAL mode so readers never wait for the
 * writer; waits up to 5 s for another connection's write lock; enforces foreign keys. `:memory:` gives a private
 * in-memory database. The directory is created 0700 and the database file (and its WAL/SHM files) 0600: they hold
 * tasks, bake logs and inventory that other local users have no business reading.
 */
export function openSqlite(file: string): SqliteDatabase {
  if (file !== ':memory:') {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
    // SQLite gives the -wal and -shm files the main file's mode, so creating it 0600 covers all three.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
  }
  const { DatabaseSync } = loadSqlite();
  const db: DatabaseSync = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA foreign_keys = ON');
  return db as unknown as SqliteDatabase;
}

const depth = new WeakMap<SqliteDatabase, number>();

/**
 * Runs `fn` in one transaction on `db` and returns its result: committed when `fn` returns, rolled back when it throws.
 * The outermost call takes the write lock at once (`BEGIN IMMEDIATE`, so two processes never deadlock upgrading a read
 * lock); a call nested inside another becomes a savepoint. `fn` must be synchronous: a transaction cannot span an
 * `await`, since every other request would run inside it.
 */
export function transaction<T>(db: SqliteDatabase, fn: () => T): T {
  const level = depth.get(db) ?? 0;
  const savepoint = `outrigger_tx_${level}`;
  db.exec(level === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
  depth.set(db, level + 1);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new TypeError('transaction(): the function must be synchronous');
  } catch (err) {
    depth.set(db, level);
    db.exec(level === 0 ? 'ROLLBACK' : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    throw err;
  }
  depth.set(db, level);
  db.exec(level === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
  return result;
}
