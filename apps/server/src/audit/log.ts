/**
 * The audit trail: who did what, kept in the server's database
 * (`servercam.db`, access/database.ts) in the table `audit`.
 *
 * - **Off the request path.** {@link AuditLog.record} only queues the row; the
 *   queue is written in one transaction on the next turn of the event loop
 *   (a 0 ms timer), and before every read.
 * - **Bounded under a flood.** Failed authentications are coalesced: one row
 *   per client address, reason and minute, whose `count` grows with the repeats; past
 *   {@link AuditLimits.failureRowsPerMinute} distinct addresses in a minute,
 *   the others share one row (address `*`). Whatever an attacker sends, the
 *   failures add at most that many rows a minute, and the table keeps at
 *   most {@link AuditLimits.maxRows} rows (the oldest go first).
 * - **Retention.** Rows older than `retentionDays` are deleted at start and
 *   every hour (0 keeps them until `maxRows`).
 * - **No secrets.** A row holds an action, a principal's name (`role:admin`,
 *   `token:<id>`), an address, a camera and a detail written by the server;
 *   never a presented token, cookie or link.
 * @module
 */
import type { AuditAction } from '@servercam/schema';
import type { Migration, ServerDatabase } from '../access/database.ts';

export type { AuditAction };

const MIGRATIONS: readonly Migration[] = [
  {
    name: 'audit-1',
    sql: `CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at REAL NOT NULL,
      action TEXT NOT NULL,
      principal TEXT,
      address TEXT,
      camera_id TEXT,
      detail TEXT,
      count INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX audit_at ON audit (at);`,
  },
];

/** One row to record. */
export interface AuditRecord {
  readonly action: AuditAction;
  readonly principal?: string | undefined;
  readonly address?: string | undefined;
  readonly cameraId?: string | undefined;
  readonly detail?: string | undefined;
}

/** A kept row. */
export interface AuditEntry extends AuditRecord {
  readonly id: number;
  /** Epoch ms (the first of coalesced repeats). */
  readonly at: number;
  readonly count: number;
}

export interface AuditLimits {
  /** Distinct addresses (and reasons) whose failed authentications get a row of their own each minute (default 100). */
  readonly failureRowsPerMinute: number;
  /** Rows kept at most, the oldest deleted first (default 1,000,000: about 100 MB). */
  readonly maxRows: number;
}

export interface AuditOptions extends Partial<AuditLimits> {
  /** Days a row is kept (default 90; 0: until `maxRows`). */
  readonly retentionDays?: number | undefined;
  /**
   * Prune at start and every hour (default true). `servercam token` records
   * without pruning: the retention is the server's (its config), not the command's.
   */
  readonly prune?: boolean | undefined;
}

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;
export const MAX_AUDIT_PAGE = 500;

/** The address of the row shared by failures past the per-minute budget of distinct addresses. */
export const OTHER_ADDRESSES = '*';

/** A row waiting to be written, or a coalesced one whose count changed since. */
interface Pending {
  readonly record: AuditRecord;
  readonly at: number;
  count: number;
  rowId?: number | undefined;
  queued: boolean;
}

/** A cursor that is not one of ours. */
export class InvalidAuditCursor extends Error {
  readonly code = 'INVALID_CURSOR';
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class AuditLog {
  readonly #database: ServerDatabase;
  readonly #limits: AuditLimits;
  readonly #retentionMs: number;
  readonly #queue: Pending[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #pruneTimer: ReturnType<typeof setInterval> | undefined;
  /** This minute's failure rows, by address and reason. */
  readonly #failures = new Map<string, Pending>();
  #minute = -1;
  #closed = false;

  constructor(database: ServerDatabase, options: AuditOptions = {}) {
    this.#database = database;
    database.migrate(MIGRATIONS);
    this.#limits = { failureRowsPerMinute: options.failureRowsPerMinute ?? 100, maxRows: options.maxRows ?? 1_000_000 };
    this.#retentionMs = (options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS) * DAY_MS;
    if (options.prune !== false) {
      this.prune();
      this.#pruneTimer = setInterval(() => this.prune(), HOUR_MS);
      unref(this.#pruneTimer);
    }
  }

  /** Queues one row (written on the next turn of the event loop). */
  record(record: AuditRecord, now = Date.now()): void {
    if (this.#closed) return;
    this.#enqueue({ record, at: now, count: 1, queued: false });
  }

  /** A failed authentication from `address`, coalesced per address and minute. `reason` is ours, never the credential. */
  authFailed(address: string, reason: string, now = Date.now()): void {
    if (this.#closed) return;
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#failures.clear();
    }
    let key = `${address} ${reason}`;
    let shown = address;
    if (!this.#failures.has(key) && this.#failures.size >= this.#limits.failureRowsPerMinute) {
      key = OTHER_ADDRESSES;
      shown = OTHER_ADDRESSES;
    }
    const known = this.#failures.get(key);
    if (known) {
      known.count++;
      if (!known.queued) this.#enqueue(known);
      return;
    }
    const pending: Pending = { record: { action: 'AUTH_FAILED', address: shown, detail: shown === OTHER_ADDRESSES ? 'from other addresses' : reason }, at: now, count: 1, queued: false };
    this.#failures.set(key, pending);
    this.#enqueue(pending);
  }

  /** Writes the queue now, in one transaction. */
  flush(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#queue.length === 0 || !this.#database.db.open) return;
    const batch = this.#queue.splice(0);
    const insert = this.#database.db.prepare('INSERT INTO audit (at, action, principal, address, camera_id, detail, count) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const update = this.#database.db.prepare('UPDATE audit SET count = ? WHERE id = ?');
    this.#database.db.transaction(() => {
      for (const pending of batch) {
        pending.queued = false;
        if (pending.rowId !== undefined) {
          update.run(pending.count, pending.rowId);
          continue;
        }
        const { record } = pending;
        const result = insert.run(pending.at, record.action, record.principal ?? null, record.address ?? null, record.cameraId ?? null, record.detail ?? null, pending.count);
        pending.rowId = Number(result.lastInsertRowid);
      }
    })();
  }

  /** One page, newest first; `after` is a row's cursor. @throws {InvalidAuditCursor} */
  list({ first, after }: { first: number; after?: string | undefined }): { entries: AuditEntry[]; hasNextPage: boolean; totalCount: number } {
    this.flush();
    let before = Number.MAX_SAFE_INTEGER;
    if (after !== undefined) {
      if (!/^[1-9][0-9]{0,15}$/.test(after)) throw new InvalidAuditCursor(`after must be a cursor of auditLog, got ${JSON.stringify(after.slice(0, 40))}`);
      before = Number(after);
    }
    const rows = this.#database.db
      .prepare('SELECT id, at, action, principal, address, camera_id AS cameraId, detail, count FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?')
      .all(before, first + 1) as Array<{ id: number; at: number; action: AuditAction; principal: string | null; address: string | null; cameraId: string | null; detail: string | null; count: number }>;
    const { total } = this.#database.db.prepare('SELECT COUNT(*) AS total FROM audit').get() as { total: number };
    const entries = rows.slice(0, first).map((row) => ({
      id: row.id,
      at: row.at,
      action: row.action,
      principal: row.principal ?? undefined,
      address: row.address ?? undefined,
      cameraId: row.cameraId ?? undefined,
      detail: row.detail ?? undefined,
      count: row.count,
    }));
    return { entries, hasNextPage: rows.length > first, totalCount: total };
  }

  /** Deletes rows past the retention, then the oldest beyond `maxRows`. Returns how many went. */
  prune(now = Date.now()): number {
    if (!this.#database.db.open) return 0;
    this.flush();
    let deleted = 0;
    if (this.#retentionMs > 0) deleted += this.#database.db.prepare('DELETE FROM audit WHERE at < ?').run(now - this.#retentionMs).changes;
    const { total } = this.#database.db.prepare('SELECT COUNT(*) AS total FROM audit').get() as { total: number };
    if (total > this.#limits.maxRows) {
      deleted += this.#database.db.prepare('DELETE FROM audit WHERE id IN (SELECT id FROM audit ORDER BY id LIMIT ?)').run(total - this.#limits.maxRows).changes;
    }
    return deleted;
  }

  /** Writes what is queued and stops the timers (the database is closed by its owner). */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    clearInterval(this.#pruneTimer);
  }

  #enqueue(pending: Pending): void {
    pending.queued = true;
    this.#queue.push(pending);
    if (this.#flushTimer === undefined) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined;
        this.flush();
      }, 0);
    }
  }
}

/** Lets the process exit with the timer pending (Node; Deno's timers are numbers). */
function unref(timer: unknown): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref();
}
