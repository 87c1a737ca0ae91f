/**
 * SQLite for the event history and the server's database (access/database.ts), on whichever runtime runs the server: the
 * built-in `node:sqlite` where there is one (Node 22.13+, Node 24, Deno 2),
 * else better-sqlite3 (Node 20). better-sqlite3 12 cannot serve the other
 * runtimes: on Node 24 its statements abort the process when they are
 * garbage-collected (`Assertion failed: (env) != nullptr` in
 * `RemoveEnvironmentCleanupHook`: Node 24 changed `node::ObjectWrap`), and
 * Deno loads only Node-API addons. Either is loaded on first open, so a
 * server without motion detection loads neither.
 *
 * The interface is the part of better-sqlite3's API the store uses.
 * @module
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import process from 'node:process';

export interface RunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

export interface SqliteStatement {
  /** Named parameters (`@name`) come as one object; unused keys are ignored and `undefined` binds NULL. */
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  readonly open: boolean;
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  /** `PRAGMA source`; with `simple`, the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** `fn` wrapped in BEGIN / COMMIT, rolled back when it throws. */
  transaction<T>(fn: () => T): () => T;
  close(): void;
}

/** The part of `node:sqlite` used here (typed locally: @types/node 20 has no node:sqlite). */
interface NodeSqlite {
  DatabaseSync: new (path: string) => {
    readonly isOpen: boolean;
    exec(sql: string): void;
    prepare(sql: string): {
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
      setAllowUnknownNamedParameters?(enabled: boolean): void;
    };
    close(): void;
  };
}

/** `undefined` binds NULL, as better-sqlite3 does (node:sqlite refuses it). */
function bindable(params: unknown[]): unknown[] {
  return params.map((param) => {
    if (param === undefined) return null;
    if (param !== null && typeof param === 'object' && Object.getPrototypeOf(param) === Object.prototype) {
      return Object.fromEntries(Object.entries(param).map(([key, value]) => [key, value === undefined ? null : value]));
    }
    return param;
  });
}

function fromNodeSqlite(sqlite: NodeSqlite, path: string): SqliteDatabase {
  const db = new sqlite.DatabaseSync(path);
  const database: SqliteDatabase = {
    get open() {
      return db.isOpen;
    },
    exec: (sql) => db.exec(sql),
    prepare: (sql) => {
      const statement = db.prepare(sql);
      statement.setAllowUnknownNamedParameters?.(true);
      return {
        run: (...params) => statement.run(...bindable(params)),
        get: (...params) => statement.get(...bindable(params)),
        all: (...params) => statement.all(...bindable(params)),
      };
    },
    pragma: (source, options = {}) => {
      const rows = db.prepare(`PRAGMA ${source}`).all() as Array<Record<string, unknown>>;
      return options.simple ? Object.values(rows[0] ?? {})[0] : rows;
    },
    transaction: (fn) => () => {
      db.exec('BEGIN');
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (error) {
        db.exec('ROLLBACK');
        throw error;
      }
    },
    close: () => db.close(),
  };
  return database;
}

/** Opens (creating) the database at `path`, or `:memory:`. */
export function openSqlite(path: string): SqliteDatabase {
  const builtin = process.getBuiltinModule?.('node:sqlite') as NodeSqlite | undefined;
  if (builtin?.DatabaseSync) return fromNodeSqlite(builtin, path);
  // Node 20: better-sqlite3 (its API is the interface above).
  const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase;
  return new BetterSqlite(path);
}

export interface DataFileOptions {
  /** The directory made 0700 and the file 0600 (POSIX): the file holds secrets. */
  readonly private?: boolean | undefined;
  /** Wait this long (ms) for another connection's lock instead of failing at once. */
  readonly busyTimeoutMs?: number | undefined;
}

/**
 * Opens (creating) `file` in `dataDir` (made if missing) in WAL mode with
 * `synchronous = NORMAL`, or a throwaway in-memory database when `dataDir`
 * is `:memory:`. Returns the database and its path (`:memory:` for one in memory).
 */
export function openDataFile(dataDir: string, file: string, options: DataFileOptions = {}): { db: SqliteDatabase; path: string } {
  if (dataDir === ':memory:') return { db: openSqlite(':memory:'), path: ':memory:' };
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, ...(options.private ? { mode: 0o700 } : {}) });
  const path = join(dir, file);
  const db = openSqlite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.floor(options.busyTimeoutMs)}`);
  if (options.private) {
    try {
      chmodSync(path, 0o600);
    } catch {
      // Not POSIX (or not ours to change): the directory's mode still applies.
    }
  }
  return { db, path };
}
