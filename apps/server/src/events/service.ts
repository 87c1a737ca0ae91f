/**
 * Motion events, end to end: the core's `motion` events become rows in the
 * store, snapshot files and clips (one recorder per camera with detection),
 * live changes for subscribers (hub.ts), and retention on a timer.
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { type CameraConfig, describeMediaTool, type MotionEvent } from '@servercam/core';
import type { FrameBus } from '../bus/bus.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { type ClipFormat, pickFormat, resolveClipFfmpeg } from './clip-writer.ts';
import { DEFAULT_DATA_DIR } from './config.ts';
import { type EventChange, EventHub } from './hub.ts';
import { CameraRecorder } from './recorder.ts';
import { applyRetention, DEFAULT_RETENTION, type RetentionLimits, type RetentionResult } from './retention.ts';
import { EventStore, type StoredEvent } from './store.ts';

export interface EventsOptions {
  /** Where the database, snapshots and clips live (default `./servercam-data`). */
  readonly dataDir?: string | undefined;
  readonly maxAgeDays?: number | undefined;
  readonly maxBytes?: number | undefined;
  /** Seconds of video before the event's start put in its clip (default 3; 0: none). */
  readonly preRollSeconds?: number | undefined;
  /** Clip width, at most (default 1280). */
  readonly clipMaxWidth?: number | undefined;
  /** `auto` (default): MP4 when ffmpeg is installed, MJPEG-in-AVI otherwise. `none`: no clips. */
  readonly clipFormat?: ClipFormat | 'auto' | 'none' | undefined;
  /** The ffmpeg binary (default `ffmpeg` on PATH). */
  readonly ffmpeg?: string | undefined;
  /** How often retention runs (ms, default 10 minutes); it also runs after each event. */
  readonly retentionIntervalMs?: number | undefined;
}

export { DEFAULT_DATA_DIR };

const CLIPS = 'clips';

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The motion event history of `cameras`, or undefined when none of them
 * detects motion, and the ids of those that do.
 */
export function motionEvents(
  stream: FrameBus,
  cameras: readonly CameraConfig[],
  options: EventsOptions,
  logger: Logger,
  hub: EventHub,
): { readonly events: EventService | undefined; readonly motionCameras: ReadonlySet<string> } {
  const motionCameras = new Set(cameras.filter((camera) => camera.motion).map((camera) => camera.id));
  const events = motionCameras.size > 0 ? new EventService(stream, cameras, options, logger, hub) : undefined;
  return { events, motionCameras };
}

export class EventService implements AsyncDisposable {
  readonly store: EventStore;
  readonly dataDir: string;
  readonly clipFormat: ClipFormat | 'none';
  readonly #stream: FrameBus;
  readonly #logger: Logger;
  readonly #limits: RetentionLimits;
  readonly #recorders = new Map<string, CameraRecorder>();
  readonly hub: EventHub;
  /** Per event: the work on it so far, so an end waits for its start. */
  readonly #work = new Map<string, Promise<void>>();
  readonly #intervalMs: number;
  /** Per camera: the event whose clip is being written. */
  readonly #open = new Map<string, string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #retention: Promise<RetentionResult> | undefined;
  #offMotion: (() => void) | undefined;
  #closed = false;

  constructor(
    stream: FrameBus,
    cameras: readonly CameraConfig[],
    options: EventsOptions = {},
    logger: Logger = silentLogger(),
    hub: EventHub = new EventHub(),
  ) {
    this.hub = hub;
    this.#stream = stream;
    this.#logger = logger.child({ component: 'events' });
    this.dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    this.#limits = {
      maxAgeDays: options.maxAgeDays ?? DEFAULT_RETENTION.maxAgeDays,
      maxBytes: options.maxBytes ?? DEFAULT_RETENTION.maxBytes,
    };
    this.#intervalMs = options.retentionIntervalMs ?? 600_000;
    this.store = EventStore.open(this.dataDir);
    const interrupted = this.store.closeInterrupted();
    if (interrupted > 0) this.#logger.warn({ interrupted }, `${interrupted} event(s) were cut short when the server last stopped`);
    const format = options.clipFormat ?? 'auto';
    const ffmpeg = format === 'none' ? undefined : this.#findFfmpeg(options.ffmpeg);
    this.clipFormat = format === 'none' ? 'none' : pickFormat(format, ffmpeg ?? 'ffmpeg');
    const clipFormat = this.clipFormat;
    if (clipFormat !== 'none') {
      for (const camera of cameras) {
        if (!camera.motion) continue;
        this.#recorders.set(camera.id, new CameraRecorder(stream, camera.id, {
          preRollSeconds: options.preRollSeconds ?? 3,
          maxWidth: options.clipMaxWidth ?? 1280,
          format: clipFormat,
          ffmpeg,
        }));
      }
    }
  }

  /** The ffmpeg for clips: the option's, else the core's resolver (SERVERCAM_FFMPEG, system, npm), named in the log. */
  #findFfmpeg(chosen: string | undefined): string | undefined {
    if (chosen !== undefined) return chosen;
    const found = resolveClipFfmpeg((error) => this.#logger.warn({ err: error }, `${error.message}: looking for another ffmpeg`));
    if (found) this.#logger.info({ ffmpeg: found.path, source: found.source }, `clips through ${describeMediaTool(found)}`);
    else this.#logger.warn('no ffmpeg found: clips are recorded as MJPEG-in-AVI (apt-get install ffmpeg, or reinstall for the npm one)');
    return found?.path;
  }

  /** Follows the stream's motion events and starts the recorders and the retention timer. */
  start(): void {
    if (this.#closed || this.#offMotion) return;
    this.#offMotion = this.#stream.on('motion', (event) => this.#onMotion(event));
    for (const recorder of this.#recorders.values()) recorder.start();
    this.#timer = setInterval(() => void this.runRetention(), this.#intervalMs);
    this.#timer.unref?.();
    void this.runRetention();
  }

  /** Applies the retention limits now (one run at a time). */
  runRetention(now?: number): Promise<RetentionResult> {
    if (this.#closed) return Promise.resolve({ deleted: [], bytesFreed: 0 });
    this.#retention ??= applyRetention(this.store, this.dataDir, this.#limits, now)
      .then((result) => {
        if (result.deleted.length > 0) {
          this.#logger.info({ deleted: result.deleted.length, bytesFreed: result.bytesFreed }, `retention deleted ${result.deleted.length} event(s)`);
        }
        return result;
      })
      .catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'retention failed');
        return { deleted: [], bytesFreed: 0 };
      })
      .finally(() => {
        this.#retention = undefined;
      });
    return this.#retention;
  }

  /** Absolute path of a file the store names. */
  filePath(relative: string): string {
    return join(this.dataDir, relative);
  }

  /** Resolves once every event seen so far has been stored and its clip finished. */
  async settled(): Promise<void> {
    while (this.#work.size > 0) await Promise.all([...this.#work.values()]);
  }

  #publish(phase: EventChange['phase'], event: StoredEvent | undefined): void {
    if (event) this.hub.publish({ phase, event });
  }

  #onMotion(event: MotionEvent): void {
    const previous = this.#work.get(event.id) ?? Promise.resolve();
    const next = previous
      .then(() => (event.phase === 'start' ? this.#started(event) : this.#ended(event)))
      .catch((error: unknown) => this.#logger.error({ err: error, event: event.id }, 'storing a motion event failed'));
    this.#work.set(event.id, next);
    void next.finally(() => {
      if (this.#work.get(event.id) === next) this.#work.delete(event.id);
    });
  }

  #paths(event: MotionEvent): { base: string; snapshot: string; clip: string } {
    const base = join(CLIPS, fileSafe(event.cameraId), day(event.startedAt), fileSafe(event.id));
    return { base, snapshot: `${base}.jpg`, clip: `${base}.${this.#recorders.get(event.cameraId)?.extension ?? 'mp4'}` };
  }

  async #started(event: MotionEvent): Promise<void> {
    const paths = this.#paths(event);
    const recorder = this.#recorders.get(event.cameraId);
    recorder?.begin(this.filePath(paths.clip));
    this.store.insert({
      id: event.id,
      cameraId: event.cameraId,
      startedAt: event.startedAt,
      endedAt: undefined,
      peakScore: event.peakScore,
      boxes: event.boxes,
      snapshotFile: undefined,
      snapshotWidth: undefined,
      snapshotHeight: undefined,
      clipFile: recorder ? paths.clip : undefined,
      clipMimeType: recorder?.mimeType,
      recording: recorder ? 'recording' : 'none',
      recordingError: undefined,
      clipSeconds: undefined,
      bytes: 0,
    });
    if (recorder) this.#open.set(event.cameraId, event.id);
    const snapshotBytes = await this.#saveSnapshot(event, paths.snapshot);
    this.#publish('start', this.store.update(event.id, this.#snapshotFields(event, paths.snapshot, snapshotBytes)));
  }

  /** Writes the event's snapshot; its size in bytes, or undefined when there is none or it cannot be written. */
  async #saveSnapshot(event: MotionEvent, file: string): Promise<number | undefined> {
    if (!event.snapshot) return undefined;
    const path = this.filePath(file);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, event.snapshot);
      return event.snapshot.byteLength;
    } catch (error) {
      this.#logger.warn({ err: error, event: event.id }, `cannot save the snapshot of event ${event.id}: ${(error as Error).message}`);
      return undefined;
    }
  }

  #snapshotFields(event: MotionEvent, file: string, bytes: number | undefined): Partial<StoredEvent> {
    return bytes === undefined ? {} : { snapshotFile: file, snapshotWidth: event.snapshotWidth, snapshotHeight: event.snapshotHeight, bytes };
  }

  async #ended(event: MotionEvent): Promise<void> {
    const paths = this.#paths(event);
    const snapshotBytes = await this.#saveSnapshot(event, paths.snapshot);
    const ended = this.store.update(event.id, {
      endedAt: event.endedAt ?? event.startedAt,
      peakScore: event.peakScore,
      boxes: event.boxes,
      ...this.#snapshotFields(event, paths.snapshot, snapshotBytes),
    });
    this.#publish('end', ended);
    if (ended?.recording === 'recording') await this.#finishClip(event.cameraId, ended);
    void this.runRetention();
  }

  async #finishClip(cameraId: string, event: StoredEvent): Promise<void> {
    const recorder = this.#recorders.get(cameraId);
    if (this.#open.get(cameraId) === event.id) this.#open.delete(cameraId);
    const result = recorder ? await recorder.end() : { ok: false as const, error: new Error('No recorder for this camera') };
    const saved = result.ok
      ? this.store.update(event.id, { recording: 'ready', clipSeconds: result.info.seconds, bytes: event.bytes + result.info.bytes })
      : this.store.update(event.id, { recording: 'failed', recordingError: result.error.message });
    if (!result.ok) this.#logger.warn({ event: event.id, err: result.error }, `recording of event ${event.id} failed: ${result.error.message}`);
    this.#publish('saved', saved);
  }

  /** Stops following motion, finishes the clips being written, ends subscriptions, closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#offMotion?.();
    if (this.#timer) clearInterval(this.#timer);
    await Promise.all([...this.#recorders.values()].map((recorder) => recorder.close()));
    await this.settled();
    // Events still open end now; their clips so far are kept.
    for (const [cameraId, id] of [...this.#open]) {
      const event = this.store.update(id, { endedAt: Date.now() });
      if (event?.recording === 'recording') await this.#finishClip(cameraId, event);
    }
    await this.#retention;
    this.#closed = true;
    this.store.closeInterrupted();
    this.store.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
