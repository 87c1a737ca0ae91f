/** The event history on a real SQLite file: migrations, pages, retention with the files. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../src/events/sqlite.ts';
import { describe, expect, it } from 'vitest';
import { applyRetention } from '../src/events/retention.ts';
import { EventStore, InvalidCursor, type StoredEvent } from '../src/events/store.ts';
import { tempDir } from './helpers/media.ts';

function event(id: string, startedAt: number, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id, cameraId: 'cam', startedAt, endedAt: startedAt + 2000, peakScore: 0.1, boxes: [{ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }],
    snapshotFile: undefined, snapshotWidth: undefined, snapshotHeight: undefined, clipFile: undefined, clipMimeType: undefined,
    recording: 'none', recordingError: undefined, clipSeconds: undefined, bytes: 0, ...extra,
  };
}

describe('EventStore', () => {
  it('creates and migrates the schema to the latest version, and keeps events across opens', () => {
    const dir = mkdtempSync(join(tempDir, 'store-'));
    const store = EventStore.open(dir);
    expect(store.version).toBe(EventStore.LATEST_VERSION);
    store.insert(event('a', 1000));
    store.close();
    using again = EventStore.open(dir);
    expect(again.get('a')?.boxes).toEqual([{ x: 0.1, y: 0.2, width: 0.3, height: 0.4 }]);
  });

  it('migrates a database of schema version 1 forward, keeping its rows', () => {
    const dir = mkdtempSync(join(tempDir, 'store-v1-'));
    const db = openSqlite(join(dir, 'events.db'));
    db.exec(`CREATE TABLE events (id TEXT PRIMARY KEY, camera_id TEXT NOT NULL, started_at REAL NOT NULL, ended_at REAL,
      peak_score REAL NOT NULL DEFAULT 0, boxes TEXT NOT NULL DEFAULT '[]', snapshot_file TEXT, snapshot_width INTEGER,
      snapshot_height INTEGER, clip_file TEXT, clip_mime_type TEXT, recording TEXT NOT NULL DEFAULT 'none', recording_error TEXT,
      bytes INTEGER NOT NULL DEFAULT 0); INSERT INTO events (id, camera_id, started_at, ended_at) VALUES ('old', 'cam', 5, 6);`);
    db.pragma('user_version = 1');
    db.close();
    using store = EventStore.open(dir);
    expect(store.version).toBe(EventStore.LATEST_VERSION);
    expect(store.get('old')).toMatchObject({ id: 'old', startedAt: 5, endedAt: 6, clipSeconds: undefined });
  });

  it('refuses a database written by a newer version', () => {
    const dir = mkdtempSync(join(tempDir, 'store-new-'));
    const db = openSqlite(join(dir, 'events.db'));
    db.pragma('user_version = 999');
    db.close();
    expect(() => EventStore.open(dir)).toThrow(/newer servercam/);
  });

  it('pages newest first with cursors, filtered by camera and time', () => {
    using store = EventStore.open(':memory:');
    for (let i = 1; i <= 5; i++) store.insert(event(`e${i}`, i * 1000));
    store.insert(event('other', 2500, { cameraId: 'side' }));
    const first = store.list({ cameraId: 'cam', first: 2 });
    expect(first.events.map(({ event: e }) => e.id)).toEqual(['e5', 'e4']);
    expect(first.hasNextPage).toBe(true);
    expect(first.totalCount).toBe(5);
    const second = store.list({ cameraId: 'cam', first: 2, after: first.events[1]!.cursor });
    expect(second.events.map(({ event: e }) => e.id)).toEqual(['e3', 'e2']);
    const last = store.list({ cameraId: 'cam', first: 2, after: second.events[1]!.cursor });
    expect(last.events.map(({ event: e }) => e.id)).toEqual(['e1']);
    expect(last.hasNextPage).toBe(false);
    expect(store.list({ since: 2000, until: 4000 }).events.map(({ event: e }) => e.id)).toEqual(['e3', 'other', 'e2']);
    expect(() => store.list({ after: 'bogus' })).toThrow(InvalidCursor);
  });

  it('closes events a stopped server left open, marking their recordings failed', () => {
    using store = EventStore.open(':memory:');
    store.insert(event('open', 1000, { endedAt: undefined, recording: 'recording' }));
    expect(store.closeInterrupted()).toBe(1);
    expect(store.get('open')).toMatchObject({ endedAt: 1000, recording: 'failed', recordingError: 'The server stopped during the recording' });
  });
});

describe('retention', () => {
  function withFiles(dataDir: string, store: EventStore, id: string, startedAt: number, bytes: number): StoredEvent {
    mkdirSync(join(dataDir, 'clips'), { recursive: true });
    writeFileSync(join(dataDir, 'clips', `${id}.jpg`), new Uint8Array(bytes / 2));
    writeFileSync(join(dataDir, 'clips', `${id}.mp4`), new Uint8Array(bytes / 2));
    const stored = event(id, startedAt, { snapshotFile: `clips/${id}.jpg`, clipFile: `clips/${id}.mp4`, recording: 'ready', bytes });
    store.insert(stored);
    return stored;
  }

  it('deletes events older than maxAgeDays, with their snapshot and clip files', async () => {
    const dataDir = mkdtempSync(join(tempDir, 'retention-age-'));
    using store = EventStore.open(dataDir);
    const now = Date.UTC(2026, 0, 31);
    withFiles(dataDir, store, 'old', now - 10 * 86_400_000, 1000);
    withFiles(dataDir, store, 'new', now - 86_400_000, 1000);
    const result = await applyRetention(store, dataDir, { maxAgeDays: 7, maxBytes: 0 }, now);
    expect(result.deleted).toEqual(['old']);
    expect(store.get('old')).toBeUndefined();
    expect(existsSync(join(dataDir, 'clips', 'old.mp4'))).toBe(false);
    expect(existsSync(join(dataDir, 'clips', 'old.jpg'))).toBe(false);
    expect(existsSync(join(dataDir, 'clips', 'new.mp4'))).toBe(true);
  });

  it('deletes the oldest events until the files fit in maxBytes', async () => {
    const dataDir = mkdtempSync(join(tempDir, 'retention-size-'));
    using store = EventStore.open(dataDir);
    const now = Date.now();
    for (let i = 0; i < 5; i++) withFiles(dataDir, store, `e${i}`, now - (5 - i) * 60_000, 1000);
    const result = await applyRetention(store, dataDir, { maxAgeDays: 0, maxBytes: 2500 }, now);
    expect(result.deleted).toEqual(['e0', 'e1', 'e2']);
    expect(result.bytesFreed).toBe(3000);
    expect(store.totalBytes()).toBe(2000);
    expect(existsSync(join(dataDir, 'clips', 'e2.mp4'))).toBe(false);
    expect(existsSync(join(dataDir, 'clips', 'e3.mp4'))).toBe(true);
  });

  it('never deletes an event still being recorded', async () => {
    const dataDir = mkdtempSync(join(tempDir, 'retention-live-'));
    using store = EventStore.open(dataDir);
    store.insert(event('live', Date.now(), { endedAt: undefined, recording: 'recording', bytes: 5000 }));
    const result = await applyRetention(store, dataDir, { maxAgeDays: 0, maxBytes: 100 });
    expect(result.deleted).toEqual([]);
    expect(store.get('live')).toBeDefined();
  });
});
