/**
 * A session: the cameras and settings of one ServerVideoStream, inside the
 * capture worker. Several streams of one process share the worker.
 * @module
 */
import type { CaptureBackend } from '../backends/backend.ts';
import { openCvBackend } from '../backends/opencv.ts';
import { syntheticBackend } from '../backends/synthetic.ts';
import type { CameraConfig } from '../camera.ts';
import { ErrorCode, type SerializedError } from '../errors.ts';
import { redactSecrets } from '../redact.ts';
import type { StreamSettings } from '../settings.ts';
import type { SourceSpec } from '../source.ts';
import { CameraRunner } from './camera-runner.ts';
import type { CameraStats, CaptureTuning, VariantDemand, WorkerToMain } from '../protocol.ts';

const backends: Record<SourceSpec['backend'], CaptureBackend> = {
  opencv: openCvBackend,
  synthetic: syntheticBackend,
};

export class Session {
  readonly id: number;
  #settings: StreamSettings;
  readonly #runners = new Map<string, CameraRunner>();
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[] = [];

  constructor(
    id: number,
    cameras: CameraConfig[],
    settings: StreamSettings,
    tuning: CaptureTuning,
    post: (message: WorkerToMain, transfer?: ArrayBuffer[]) => void,
    seqs: Record<string, number> = {},
    demand: Record<string, VariantDemand[]> = {},
  ) {
    this.id = id;
    this.#settings = settings;
    const ctx = {
      session: id,
      tuning,
      settings: () => this.#settings,
      backend: (spec: SourceSpec) => backends[spec.backend],
      post,
    };
    for (const camera of cameras) {
      const runner = new CameraRunner(camera, ctx, seqs[camera.id] ?? 0);
      runner.setDemand(demand[camera.id] ?? []);
      this.#runners.set(camera.id, runner);
      this.#loops.push(
        runner.run(this.#abort.signal).catch((error: unknown) => {
          // A bug in one loop must not take the other cameras down; report it on the camera.
          post({
            type: 'status', session: id, cameraId: camera.id, status: 'error', width: undefined, height: undefined, fps: 0,
            error: { code: ErrorCode.CannotReadCamera, message: redactSecrets(`Camera "${camera.id}" stopped: ${String(error)}`), at: Date.now() },
          });
        }),
      );
    }
  }

  updateSettings(settings: StreamSettings): void {
    this.#settings = settings;
    for (const runner of this.#runners.values()) runner.wake();
  }

  setDemand(cameraId: string, variants: VariantDemand[]): void {
    this.#runners.get(cameraId)?.setDemand(variants);
  }

  async preopen(cameraIds: string[]): Promise<SerializedError[]> {
    const results = await Promise.all(cameraIds.map((id) => this.#runners.get(id)?.preopen()));
    return results.filter((error): error is SerializedError => error !== undefined);
  }

  stats(): CameraStats[] {
    return [...this.#runners.values()].map((runner) => runner.stats());
  }

  /** Stops every loop and releases every source. */
  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#loops);
  }
}
