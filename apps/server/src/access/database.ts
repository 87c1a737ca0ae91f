/**
 * The server's own database: `servercam.db` in the data directory (SQLite,
 * through events/sqlite.ts, so Node 20, Node 22+ and Deno alike). It holds the
 * access tokens, the share links and the server's signing secret; the audit
 * log adds its tables here too. Motion events keep their own file
 * (`events.db`, events/store.ts) beside it.
 *
 * Each part of the server declares its own migrations under a name
 * ({@link Migration}); a migration runs once, in a transaction, and is
 * recorded in `migrations`, so parts added on different branches never
 * collide on one version number.
 *
 * The data directory is created with mode 0700 and the file is made 0600
 * (POSIX): the database holds token hashes and the signing secret
 * (docs/security.md, "Tokens and share links").
 * @module
 */
import { randomBytes } from 'node:crypto';
import { openDataFile, type SqliteDatabase } from '../events/sqlite.ts';

/** The database's file name in the data directory. */
export const DATABASE_FILE = 'servercam.db';

/** One schema change, run once: `name` must be unique over the whole server (`tokens-1`, `audit-1`...). */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

export class ServerDatabase implements Disposable {
  readonly db: SqliteDatabase;
  /** The file, or `:memory:`. */
  readonly path: string;

  private constructor(db: SqliteDatabase, path: string) {
    this.db = db;
    this.path = path;
  }

  /** Opens (creating) `servercam.db` in `dataDir`, or a throwaway in-memory database. */
  static open(dataDir: string | ':memory:'): ServerDatabase {
    const { db, path } = openDataFile(dataDir, DATABASE_FILE, { private: true, busyTimeoutMs: 2000 });
    db.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL)');
    return new ServerDatabase(db, path);
  }

  /** Runs the migrations not run yet, in order, each in a transaction. */
  migrate(migrations: readonly Migration[]): void {
    const applied = this.db.prepare('SELECT 1 FROM migrations WHERE name = ?');
    const record = this.db.prepare('INSERT INTO migrations (name, applied_at) VALUES (?, ?)');
    for (const migration of migrations) {
      if (applied.get(migration.name)) continue;
      this.db.transaction(() => {
        this.db.exec(migration.sql);
        record.run(migration.name, Date.now());
      })();
    }
  }

  /**
   * A random 32-byte secret kept in the database under `name`, made on first
   * use: the key of share links and of the sessions of stored tokens. Every
   * server on the same database (gateways on one host) shares it.
   */
  secret(name: string): Buffer {
    const row = this.db.prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: Uint8Array } | undefined;
    if (row) return Buffer.from(row.value);
    const value = randomBytes(32);
    this.db.prepare('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(name, value);
    // Another process may have won the race: read what was kept.
    const kept = this.db.prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: Uint8Array };
    return Buffer.from(kept.value);
  }

  /**
   * SQLite's `data_version`: changes when another connection (another server
   * on the same file, the `servercam token` command) commits. Polled to see
   * revocations made elsewhere.
   */
  dataVersion(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
