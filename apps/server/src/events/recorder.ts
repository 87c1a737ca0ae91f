/**
 * The recorder of one camera: it follows the camera's frames at a moderate
 * size, keeps the last few seconds in memory (the pre-roll), and while a
 * motion event lasts writes the pre-roll and every new frame to a clip.
 * A failing write ends that clip as failed; capture goes on regardless.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Frame } from '@servercam/core';
import type { FrameBus } from '../bus/bus.ts';
import { type ClipFormat, type ClipInfo, type ClipWriter, createClipWriter, MIME_TYPES } from './clip-writer.ts';

export interface RecorderOptions {
  /** Seconds of video kept in memory and put before the event (default 3). */
  readonly preRollSeconds: number;
  /** The width clips are recorded at, at most (default 1280). */
  readonly maxWidth: number;
  readonly format: ClipFormat;
  readonly ffmpeg?: string | undefined;
}

export interface ClipResult {
  readonly ok: true;
  readonly info: ClipInfo;
}
export interface ClipFailure {
  readonly ok: false;
  readonly error: Error;
}

/** A frame ring of at most `seconds` (and at most 300 frames). */
export class PreRoll {
  readonly #frames: Frame[] = [];
  readonly #ms: number;

  constructor(seconds: number) {
    this.#ms = seconds * 1000;
  }

  push(frame: Frame): void {
    this.#frames.push(frame);
    const oldest = frame.capturedAt - this.#ms;
    let drop = 0;
    while (drop < this.#frames.length - 1 && (this.#frames[drop]!.capturedAt < oldest || this.#frames.length - drop > 300)) drop++;
    if (drop > 0) this.#frames.splice(0, drop);
    if (this.#ms <= 0) this.#frames.splice(0, this.#frames.length);
  }

  frames(): readonly Frame[] {
    return this.#frames;
  }

  clear(): void {
    this.#frames.length = 0;
  }
}

interface Recording {
  readonly writer: ClipWriter | undefined;
  /** A failure before the writer existed (mkdir). */
  readonly failure: Error | undefined;
  readonly ready: Promise<void>;
}

export class CameraRecorder {
  readonly cameraId: string;
  readonly #stream: FrameBus;
  readonly #options: RecorderOptions;
  readonly #preRoll: PreRoll;
  #unsubscribe: (() => void) | undefined;
  #recording: Recording | undefined;
  #writer: ClipWriter | undefined;

  constructor(stream: FrameBus, cameraId: string, options: RecorderOptions) {
    this.#stream = stream;
    this.cameraId = cameraId;
    this.#options = options;
    this.#preRoll = new PreRoll(options.preRollSeconds);
  }

  get mimeType(): string {
    return MIME_TYPES[this.#options.format];
  }

  get extension(): ClipFormat {
    return this.#options.format;
  }

  /** Follows the camera's frames (this keeps it captured, as a consumer). */
  start(): void {
    this.#unsubscribe ??= this.#stream.subscribe({ cameraId: this.cameraId, maxWidth: this.#options.maxWidth, background: true }, (frame) => this.#onFrame(frame));
  }

  #onFrame(frame: Frame): void {
    this.#preRoll.push(frame);
    this.#writer?.write(frame.data);
  }

  get recording(): boolean {
    return this.#recording !== undefined;
  }

  /** Starts a clip at `path` (absolute) with the pre-roll. Any clip still open is aborted. */
  begin(path: string): void {
    if (this.#recording) void this.#abortCurrent();
    const fps = this.#fps();
    const frames = [...this.#preRoll.frames()];
    const last = frames.at(-1) ?? this.#stream.latest(this.cameraId);
    const width = last?.width ?? 640;
    const height = last?.height ?? 480;
    const recording: { writer: ClipWriter | undefined; failure: Error | undefined; ready: Promise<void> } = {
      writer: undefined,
      failure: undefined,
      ready: Promise.resolve(),
    };
    recording.ready = mkdir(dirname(path), { recursive: true }).then(
      () => {
        if (this.#recording !== recording) return;
        const writer = createClipWriter(this.#options.format, { path, fps, width, height, ffmpeg: this.#options.ffmpeg });
        recording.writer = writer;
        for (const frame of frames) writer.write(frame.data);
        this.#writer = writer;
      },
      (error: Error) => {
        recording.failure = new Error(`Cannot create the clip directory ${dirname(path)}: ${error.message}`, { cause: error });
      },
    );
    this.#recording = recording;
  }

  /** Ends the clip being written. */
  async end(): Promise<ClipResult | ClipFailure> {
    const recording = this.#recording;
    if (!recording) return { ok: false, error: new Error('No clip was being recorded') };
    this.#recording = undefined;
    await recording.ready;
    if (this.#writer === recording.writer) this.#writer = undefined;
    if (recording.failure || !recording.writer) return { ok: false, error: recording.failure ?? new Error('The clip could not be started') };
    try {
      return { ok: true, info: await recording.writer.finish() };
    } catch (error) {
      return { ok: false, error: error as Error };
    }
  }

  async #abortCurrent(): Promise<void> {
    const recording = this.#recording;
    this.#recording = undefined;
    this.#writer = undefined;
    await recording?.ready;
    await recording?.writer?.abort();
  }

  /** The rate clips are written at: the camera's measured rate, else the shared fps, else 10. */
  #fps(): number {
    const frames = this.#preRoll.frames();
    if (frames.length >= 5) {
      const span = (frames.at(-1)!.capturedAt - frames[0]!.capturedAt) / 1000;
      if (span > 0) return Math.min(60, Math.max(1, Math.round(((frames.length - 1) / span) * 10) / 10));
    }
    const measured = this.#stream.camera(this.cameraId)?.measuredFps ?? 0;
    if (measured > 0) return Math.min(60, Math.round(measured * 10) / 10);
    return this.#stream.fps > 0 ? this.#stream.fps : 10;
  }

  /** Stops following the camera; a clip being written is finished. */
  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#preRoll.clear();
  }
}
