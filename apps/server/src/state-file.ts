/**
 * The settings changed through `updateStream`, kept in a JSON state file so
 * they survive a restart. Writes are atomic (a temporary file in the same
 * directory, fsync, rename), so a crash leaves the old file or the new one,
 * never half of one. A corrupt file is reported, moved aside
 * (`<file>.corrupt-<time>`) and ignored: never fatal.
 *
 * ```json
 * { "version": 1, "settings": { "paused": false, "fps": 10, "quality": 80, "activeCameraId": "desk" } }
 * ```
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidSettings, type StreamSettings, type StreamSettingsPatch } from '@servercam/core';
import type { FrameBus } from './bus/bus.ts';
import type { Logger } from './logger.ts';

export const STATE_VERSION = 1;

export type LoadedState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'loaded'; readonly settings: StreamSettingsPatch }
  | { readonly kind: 'corrupt'; readonly reason: string; readonly movedTo: string | undefined };

function settingsOf(value: unknown): StreamSettingsPatch | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (record['version'] !== STATE_VERSION) return `unknown version ${JSON.stringify(record['version'])}`;
  const settings = record['settings'];
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return '"settings" is not an object';
  const s = settings as Record<string, unknown>;
  const patch: { -readonly [K in keyof StreamSettingsPatch]: StreamSettingsPatch[K] } = {};
  if (s['paused'] !== undefined) {
    if (typeof s['paused'] !== 'boolean') return '"settings.paused" is not a boolean';
    patch.paused = s['paused'];
  }
  for (const key of ['fps', 'quality'] as const) {
    if (s[key] === undefined) continue;
    if (typeof s[key] !== 'number' || !Number.isFinite(s[key])) return `"settings.${key}" is not a number`;
    patch[key] = s[key];
  }
  if (s['activeCameraId'] !== undefined) {
    if (typeof s['activeCameraId'] !== 'string') return '"settings.activeCameraId" is not a string';
    patch.activeCameraId = s['activeCameraId'];
  }
  return patch;
}

/** Reads the state file. A corrupt one is moved aside and reported; never throws for a bad file. */
export async function loadState(path: string): Promise<LoadedState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'corrupt', reason: `cannot read it: ${(error as Error).message}`, movedTo: undefined };
  }
  let reason: string;
  try {
    const settings = settingsOf(JSON.parse(text));
    if (typeof settings !== 'string') return { kind: 'loaded', settings };
    reason = settings;
  } catch (error) {
    reason = `not valid JSON (${(error as Error).message})`;
  }
  const movedTo = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(path, movedTo);
    return { kind: 'corrupt', reason, movedTo };
  } catch {
    return { kind: 'corrupt', reason, movedTo: undefined };
  }
}

/** Writes the state atomically: temporary file, fsync, rename. */
export async function saveState(path: string, settings: StreamSettings): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const text = `${JSON.stringify({ version: STATE_VERSION, savedAt: new Date().toISOString(), settings }, null, 2)}\n`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Keeps the state file in step with the settings: each change is written
 * (the latest wins when changes come faster than writes). `flush()` waits for
 * the last write.
 */
export class StateWriter {
  readonly #path: string;
  readonly #logger: Logger;
  #pending: StreamSettings | undefined;
  #writing: Promise<void> | undefined;
  #writes = 0;
  #failures = 0;

  constructor(path: string, logger: Logger) {
    this.#path = path;
    this.#logger = logger;
  }

  get path(): string {
    return this.#path;
  }

  /** Writes done, and failed. */
  stats(): { readonly writes: number; readonly failures: number } {
    return { writes: this.#writes, failures: this.#failures };
  }

  save(settings: StreamSettings): void {
    this.#pending = settings;
    this.#writing ??= this.#drain();
  }

  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending) {
        const settings = this.#pending;
        this.#pending = undefined;
        try {
          await saveState(this.#path, settings);
          this.#writes++;
        } catch (error) {
          this.#failures++;
          this.#logger.error({ err: error, stateFile: this.#path }, `cannot save the settings to ${this.#path}: ${(error as Error).message}`);
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }
}

/**
 * Applies the state file's settings to `stream`, field by field (a camera
 * since removed is skipped), then saves every change through `writer`.
 * Returns the function that stops following the changes.
 */
export async function restoreState(writer: StateWriter, stream: FrameBus, logger: Logger): Promise<() => void> {
  const log = logger.child({ component: 'state' });
  const loaded = await loadState(writer.path);
  if (loaded.kind === 'corrupt') {
    log.error(
      { stateFile: writer.path, movedTo: loaded.movedTo },
      `the state file ${writer.path} is corrupt (${loaded.reason})${loaded.movedTo ? `: moved aside to ${loaded.movedTo}` : ''}; starting from the configured settings`,
    );
  } else if (loaded.kind === 'loaded') {
    for (const [key, value] of Object.entries(loaded.settings) as Array<[keyof StreamSettingsPatch, never]>) {
      try {
        stream.update({ [key]: value });
      } catch (error) {
        if (!(error instanceof InvalidSettings)) throw error;
        log.warn({ stateFile: writer.path, key }, `the state file's "${key}" is no longer valid (${error.message}): ignored`);
      }
    }
    log.info({ stateFile: writer.path, settings: stream.settings }, `settings restored from ${writer.path}`);
  }
  return stream.on('settings', (settings) => writer.save(settings));
}
