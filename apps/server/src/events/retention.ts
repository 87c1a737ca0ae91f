/**
 * Retention of the event history: events older than `maxAgeDays` go, then the
 * oldest finished events until their files fit in `maxBytes`. An event's
 * snapshot and clip files go with it.
 * @module
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore, StoredEvent } from './store.ts';

export interface RetentionLimits {
  /** Events older than this many days are deleted (default 30; 0 keeps them forever). */
  readonly maxAgeDays: number;
  /** The snapshots and clips together stay under this many bytes (default 2 GiB; 0: no limit). */
  readonly maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionLimits = { maxAgeDays: 30, maxBytes: 2 * 1024 ** 3 };

export interface RetentionResult {
  readonly deleted: readonly string[];
  readonly bytesFreed: number;
}

async function removeFiles(dataDir: string, event: StoredEvent): Promise<void> {
  for (const file of [event.snapshotFile, event.clipFile]) {
    if (file !== undefined) await rm(join(dataDir, file), { force: true });
  }
}

/** Applies the limits once. `now` is epoch ms. */
export async function applyRetention(store: EventStore, dataDir: string, limits: RetentionLimits, now = Date.now()): Promise<RetentionResult> {
  const deleted: string[] = [];
  let bytesFreed = 0;
  const drop = async (event: StoredEvent): Promise<void> => {
    store.delete(event.id);
    await removeFiles(dataDir, event);
    deleted.push(event.id);
    bytesFreed += event.bytes;
  };
  if (limits.maxAgeDays > 0) {
    const before = now - limits.maxAgeDays * 86_400_000;
    for (let batch = store.olderThan(before); batch.length > 0; batch = store.olderThan(before)) {
      for (const event of batch) await drop(event);
    }
  }
  if (limits.maxBytes > 0) {
    let total = store.totalBytes();
    while (total > limits.maxBytes) {
      const batch = store.oldestFinished(50);
      if (batch.length === 0) break;
      for (const event of batch) {
        if (total <= limits.maxBytes) break;
        await drop(event);
        total -= event.bytes;
      }
    }
  }
  return { deleted, bytesFreed };
}
