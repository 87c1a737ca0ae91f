/**
 * The motion event history: SQLite (see sqlite.ts: node:sqlite, or better-sqlite3 on Node 20), one file
 * (`events.db`) in the data directory. The schema is versioned with
 * `PRAGMA user_version` and migrated forward on open.
 *
 * @example
 * ```ts
 * using store = EventStore.open('/var/lib/servercam');
 * store.insert({ id: 'desk-1', cameraId: 'desk', startedAt: Date.now(), ... });
 * const page = store.list({ cameraId: 'desk', first: 20 });
 * ```
 * @module
 */
import type { MotionBox } from '@servercam/core';
import { openDataFile, type SqliteDatabase } from './sqlite.ts';

/** Where an event's clip stands. `none`: recording is off for it. */
export type RecordingStatus = 'recording' | 'ready' | 'failed' | 'none';

export interface StoredEvent {
  readonly id: string;
  readonly cameraId: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Epoch ms of the last frame with motion; undefined while the event lasts. */
  readonly endedAt: number | undefined;
  readonly peakScore: number;
  readonly boxes: readonly MotionBox[];
  /** Path of the snapshot JPEG, relative to the data directory. */
  readonly snapshotFile: string | undefined;
  readonly snapshotWidth: number | undefined;
  readonly snapshotHeight: number | undefined;
  /** Path of the clip, relative to the data directory. */
  readonly clipFile: string | undefined;
  readonly clipMimeType: string | undefined;
  readonly recording: RecordingStatus;
  readonly recordingError: string | undefined;
  /** Clip length in seconds, once written. */
  readonly clipSeconds: number | undefined;
  /** Bytes on disk: snapshot plus clip. */
  readonly bytes: number;
}

export interface EventQuery {
  readonly cameraId?: string | undefined;
  /** Only events of these cameras (a caller's scope: access/scope.ts); undefined: every camera. */
  readonly cameraIds?: readonly string[] | undefined;
  /** Events that started at or after (epoch ms). */
  readonly since?: number | undefined;
  /** Events that started before (epoch ms). */
  readonly until?: number | undefined;
  /** Page size (default 20, at most 200). */
  readonly first?: number | undefined;
  /** A cursor from a previous page: the events after it (older). */
  readonly after?: string | undefined;
}

export interface EventPage {
  readonly events: ReadonlyArray<{ readonly event: StoredEvent; readonly cursor: string }>;
  readonly hasNextPage: boolean;
  readonly totalCount: number;
}

/** A cursor that this store did not make. */
export class InvalidCursor extends Error {
  readonly code = 'INVALID_CURSOR';
  constructor(cursor: string) {
    super(`Invalid cursor "${cursor}": use a cursor from a previous page`);
    this.name = 'InvalidCursor';
  }
}

export const MAX_PAGE = 200;

/** The migrations, in order; `user_version` is the number applied. Only ever append. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,
     camera_id TEXT NOT NULL,
     started_at REAL NOT NULL,
     ended_at REAL,
     peak_score REAL NOT NULL DEFAULT 0,
     boxes TEXT NOT NULL DEFAULT '[]',
     snapshot_file TEXT,
     snapshot_width INTEGER,
     snapshot_height INTEGER,
     clip_file TEXT,
     clip_mime_type TEXT,
     recording TEXT NOT NULL DEFAULT 'none',
     recording_error TEXT,
     bytes INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX events_by_camera_time ON events (camera_id, started_at DESC, id DESC);
   CREATE INDEX events_by_time ON events (started_at DESC, id DESC);`,
  `ALTER TABLE events ADD COLUMN clip_seconds REAL;`,
];

interface Row {
  id: string;
  camera_id: string;
  started_at: number;
  ended_at: number | null;
  peak_score: number;
  boxes: string;
  snapshot_file: string | null;
  snapshot_width: number | null;
  snapshot_height: number | null;
  clip_file: string | null;
  clip_mime_type: string | null;
  recording: RecordingStatus;
  recording_error: string | null;
  clip_seconds: number | null;
  bytes: number;
}

function fromRow(row: Row): StoredEvent {
  return {
    id: row.id,
    cameraId: row.camera_id,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    peakScore: row.peak_score,
    boxes: JSON.parse(row.boxes) as MotionBox[],
    snapshotFile: row.snapshot_file ?? undefined,
    snapshotWidth: row.snapshot_width ?? undefined,
    snapshotHeight: row.snapshot_height ?? undefined,
    clipFile: row.clip_file ?? undefined,
    clipMimeType: row.clip_mime_type ?? undefined,
    recording: row.recording,
    recordingError: row.recording_error ?? undefined,
    clipSeconds: row.clip_seconds ?? undefined,
    bytes: row.bytes,
  };
}

function encodeCursor(event: StoredEvent): string {
  return Buffer.from(JSON.stringify([event.startedAt, event.id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw new InvalidCursor(cursor);
}

export type EventUpdate = Partial<Omit<StoredEvent, 'id' | 'cameraId' | 'startedAt'>>;

const COLUMNS: Record<keyof EventUpdate, string> = {
  endedAt: 'ended_at',
  peakScore: 'peak_score',
  boxes: 'boxes',
  snapshotFile: 'snapshot_file',
  snapshotWidth: 'snapshot_width',
  snapshotHeight: 'snapshot_height',
  clipFile: 'clip_file',
  clipMimeType: 'clip_mime_type',
  recording: 'recording',
  recordingError: 'recording_error',
  clipSeconds: 'clip_seconds',
  bytes: 'bytes',
};

export class EventStore implements Disposable {
  readonly #db: SqliteDatabase;
  readonly path: string;

  private constructor(db: SqliteDatabase, path: string) {
    this.#db = db;
    this.path = path;
  }

  /** Opens (creating) `events.db` in `dataDir` and migrates it. `:memory:` for a throwaway store. */
  static open(dataDir: string | ':memory:'): EventStore {
    const { db, path } = openDataFile(dataDir, 'events.db');
    const store = new EventStore(db, path);
    store.#migrate();
    return store;
  }

  /** The schema version this store is at. */
  get version(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  static readonly LATEST_VERSION = MIGRATIONS.length;

  #migrate(): void {
    const from = this.version;
    if (from > MIGRATIONS.length) {
      throw new Error(`${this.path} was written by a newer servercam (schema ${from}, this one knows ${MIGRATIONS.length})`);
    }
    const apply = this.#db.transaction(() => {
      for (let version = from; version < MIGRATIONS.length; version++) this.#db.exec(MIGRATIONS[version]!);
      this.#db.pragma(`user_version = ${MIGRATIONS.length}`);
    });
    apply();
  }

  insert(event: StoredEvent): void {
    this.#db
      .prepare(
        `INSERT INTO events (id, camera_id, started_at, ended_at, peak_score, boxes, snapshot_file, snapshot_width, snapshot_height,
           clip_file, clip_mime_type, recording, recording_error, clip_seconds, bytes)
         VALUES (@id, @cameraId, @startedAt, @endedAt, @peakScore, @boxes, @snapshotFile, @snapshotWidth, @snapshotHeight,
           @clipFile, @clipMimeType, @recording, @recordingError, @clipSeconds, @bytes)`,
      )
      .run({
        id: event.id,
        cameraId: event.cameraId,
        startedAt: event.startedAt,
        endedAt: event.endedAt ?? null,
        peakScore: event.peakScore,
        boxes: JSON.stringify(event.boxes),
        snapshotFile: event.snapshotFile ?? null,
        snapshotWidth: event.snapshotWidth ?? null,
        snapshotHeight: event.snapshotHeight ?? null,
        clipFile: event.clipFile ?? null,
        clipMimeType: event.clipMimeType ?? null,
        recording: event.recording,
        recordingError: event.recordingError ?? null,
        clipSeconds: event.clipSeconds ?? null,
        bytes: event.bytes,
      });
  }

  /** Changes some fields of an event; returns it as stored, or undefined when it is gone. */
  update(id: string, patch: EventUpdate): StoredEvent | undefined {
    const sets: string[] = [];
    const values: Record<string, unknown> = { id };
    for (const [key, value] of Object.entries(patch) as Array<[keyof EventUpdate, unknown]>) {
      if (!(key in COLUMNS)) continue;
      sets.push(`${COLUMNS[key]} = @${key}`);
      values[key] = key === 'boxes' ? JSON.stringify(value) : (value ?? null);
    }
    if (sets.length > 0) this.#db.prepare(`UPDATE events SET ${sets.join(', ')} WHERE id = @id`).run(values);
    return this.get(id);
  }

  get(id: string): StoredEvent | undefined {
    const row = this.#db.prepare('SELECT * FROM events WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Events newest first, a page at a time. */
  list(query: EventQuery = {}): EventPage {
    const where: string[] = [];
    const values: Record<string, unknown> = {};
    if (query.cameraId !== undefined) {
      where.push('camera_id = @cameraId');
      values['cameraId'] = query.cameraId;
    }
    if (query.cameraIds !== undefined) {
      // Camera ids are checked ([A-Za-z0-9_-]), but bound as parameters all the same.
      const names = query.cameraIds.map((_id, index) => `@scope${index}`);
      where.push(names.length > 0 ? `camera_id IN (${names.join(', ')})` : '0');
      query.cameraIds.forEach((id, index) => (values[`scope${index}`] = id));
    }
    if (query.since !== undefined) {
      where.push('started_at >= @since');
      values['since'] = query.since;
    }
    if (query.until !== undefined) {
      where.push('started_at < @until');
      values['until'] = query.until;
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const totalCount = (this.#db.prepare(`SELECT count(*) AS n FROM events ${filter}`).get(values) as { n: number }).n;
    if (query.after !== undefined) {
      const [at, id] = decodeCursor(query.after);
      where.push('(started_at < @afterAt OR (started_at = @afterAt AND id < @afterId))');
      values['afterAt'] = at;
      values['afterId'] = id;
    }
    const first = Math.min(Math.max(query.first ?? 20, 0), MAX_PAGE);
    values['limit'] = first + 1;
    const rows = this.#db
      .prepare(`SELECT * FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT @limit`)
      .all(values) as Row[];
    const events = rows.slice(0, first).map(fromRow).map((event) => ({ event, cursor: encodeCursor(event) }));
    return { events, hasNextPage: rows.length > first, totalCount };
  }

  /** Events that started before `before` (epoch ms), oldest first. */
  olderThan(before: number, limit = 500): StoredEvent[] {
    const rows = this.#db.prepare('SELECT * FROM events WHERE started_at < ? ORDER BY started_at ASC LIMIT ?').all(before, limit) as Row[];
    return rows.map(fromRow);
  }

  /** Finished events (not being recorded), oldest first. */
  oldestFinished(limit = 100): StoredEvent[] {
    const rows = this.#db
      .prepare("SELECT * FROM events WHERE recording != 'recording' AND ended_at IS NOT NULL ORDER BY started_at ASC LIMIT ?")
      .all(limit) as Row[];
    return rows.map(fromRow);
  }

  /** Bytes on disk of every event's files. */
  totalBytes(): number {
    return (this.#db.prepare('SELECT coalesce(sum(bytes), 0) AS n FROM events').get() as { n: number }).n;
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM events WHERE id = ?').run(id);
  }

  /**
   * Events left unfinished by a previous run (the server stopped during
   * them): ended at their start, recording marked failed. Returns how many.
   */
  closeInterrupted(): number {
    const result = this.#db
      .prepare(
        `UPDATE events SET
           ended_at = coalesce(ended_at, started_at),
           recording = CASE WHEN recording = 'recording' THEN 'failed' ELSE recording END,
           recording_error = CASE WHEN recording = 'recording' THEN 'The server stopped during the recording' ELSE recording_error END
         WHERE ended_at IS NULL OR recording = 'recording'`,
      )
      .run();
    return result.changes;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
