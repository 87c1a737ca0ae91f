/**
 * The cameras as the server shows them: the core's status, and opening every
 * camera at start.
 *
 * A camera that fails to open at start is shown as `error` by the core itself:
 * the capture side posts the camera's `error` status before it replies to the
 * open request, so the status is already there when `start(ids)` rejects.
 * @module
 */
import { type CameraInfo, isServercamError } from '@servercam/core';
import type { FrameBus } from './bus/bus.ts';

export class CameraDirectory {
  readonly #stream: FrameBus;
  readonly #listeners = new Set<(camera: CameraInfo) => void>();
  readonly #off: () => void;

  constructor(stream: FrameBus) {
    this.#stream = stream;
    this.#off = stream.on('status', (info) => this.#emit(info));
  }

  get ids(): string[] {
    return this.#stream.cameras.map((camera) => camera.id);
  }

  has(id: string): boolean {
    return this.#stream.camera(id) !== undefined;
  }

  list(): CameraInfo[] {
    return [...this.#stream.cameras];
  }

  get(id: string): CameraInfo | undefined {
    return this.#stream.camera(id);
  }

  /** Every status change the core reports. Returns the unsubscribe. */
  onStatus(listener: (camera: CameraInfo) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Opens every camera ahead of use (the original's `start(camera_indices)`).
   * Resolves with the cameras that failed, as the core now shows them
   * (`error`, with the error); never rejects.
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
      if (current) failed.push(current);
    }
    return failed;
  }

  close(): void {
    this.#off();
    this.#listeners.clear();
  }

  #emit(info: CameraInfo): void {
    for (const listener of [...this.#listeners]) listener(info);
  }
}
