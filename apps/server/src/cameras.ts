/**
 * The cameras as the server shows them: the core's status, plus the failures
 * seen when the server opened every camera at start.
 *
 * The core opens a camera that nobody watches only when asked (`start(ids)`),
 * and reports such a failure to the caller but not in the camera's status, so
 * a missing camera would look `idle` until someone watched it. The server
 * keeps that failure and shows it as `error` until the core reports anything
 * newer for the camera.
 * @module
 */
import {
  type CameraErrorInfo,
  type CameraInfo,
  isServercamError,
} from '@servercam/core';
import type { FrameBus } from './bus/bus.ts';

export class CameraDirectory {
  readonly #stream: FrameBus;
  readonly #openErrors = new Map<string, CameraErrorInfo>();
  readonly #listeners = new Set<(camera: CameraInfo) => void>();
  readonly #off: () => void;

  constructor(stream: FrameBus) {
    this.#stream = stream;
    this.#off = stream.on('status', (info) => {
      if (info.status !== 'idle' || info.error) this.#openErrors.delete(info.id);
      this.#emit(this.#view(info));
    });
  }

  get ids(): string[] {
    return this.#stream.cameras.map((camera) => camera.id);
  }

  has(id: string): boolean {
    return this.#stream.camera(id) !== undefined;
  }

  list(): CameraInfo[] {
    return this.#stream.cameras.map((camera) => this.#view(camera));
  }

  get(id: string): CameraInfo | undefined {
    const info = this.#stream.camera(id);
    return info && this.#view(info);
  }

  /** Every status change (the core's, and open failures recorded here). Returns the unsubscribe. */
  onStatus(listener: (camera: CameraInfo) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Opens every camera ahead of use (the original's `start(camera_indices)`)
   * and records the ones that fail. Resolves with those failures; never rejects.
   */
  async openAll(): Promise<CameraInfo[]> {
    let errors: unknown[] = [];
    try {
      await this.#stream.start(this.ids);
    } catch (error) {
      errors = error instanceof AggregateError ? error.errors : [error];
    }
    const failed: CameraInfo[] = [];
    for (const error of errors) {
      if (!isServercamError(error) || error.cameraId === undefined) continue;
      const current = this.#stream.camera(error.cameraId);
      if (!current || current.status !== 'idle' || current.error) continue;
      this.#openErrors.set(error.cameraId, { code: error.code as CameraErrorInfo['code'], message: error.message, at: Date.now() });
      const view = this.#view(current);
      failed.push(view);
      this.#emit(view);
    }
    return failed;
  }

  close(): void {
    this.#off();
    this.#listeners.clear();
  }

  #view(info: CameraInfo): CameraInfo {
    const openError = this.#openErrors.get(info.id);
    return openError && info.status === 'idle' && !info.error ? { ...info, status: 'error', error: openError } : info;
  }

  #emit(info: CameraInfo): void {
    for (const listener of [...this.#listeners]) listener(info);
  }
}
