/**
 * The main-thread side of the capture worker: one worker per process, shared
 * by every ServerVideoStream, with request/reply and per-session routing.
 *
 * `@u4/opencv4nodejs` can be loaded by exactly one thread per process: a
 * second load, even after the first thread ended, aborts the process. So once
 * a session has used OpenCV, the worker is kept (unreferenced) after the last
 * session closes, and the next stream reuses it. A worker that never loaded
 * OpenCV ends with its last session.
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { MainToWorker, WorkerToMain } from './protocol.ts';

type Reply = Extract<WorkerToMain, { type: 'reply' }>;
type SessionMessage = Exclude<WorkerToMain, { type: 'ready' } | { type: 'reply' } | { type: 'fatal' }>;
type RequestMessage = Extract<MainToWorker, { request: number }>;
/** A request before it gets its number (Omit distributed over the union). */
export type UnnumberedRequest = RequestMessage extends infer M ? (M extends RequestMessage ? Omit<M, 'request'> : never) : never;

export interface SessionHandler {
  onMessage(message: SessionMessage): void;
  /** The worker died; every camera of the session is gone. */
  onWorkerLost(error: Error): void;
}

/** Defaults for OpenCV's process-wide settings, read by its C code through getenv. */
const OPENCV_ENV_DEFAULTS: Record<string, string> = {
  // Load the addon built against the system OpenCV; never try to build OpenCV at run time.
  OPENCV4NODEJS_DISABLE_AUTOBUILD: '1',
  // servercam reports every failure as a typed error; OpenCV's own log lines only repeat them.
  OPENCV_LOG_LEVEL: 'FATAL',
  // FFmpeg's log: errors only (AV_LOG_ERROR).
  OPENCV_FFMPEG_LOGLEVEL: '16',
  // Bound how long FFmpeg waits on a network source that goes silent (microseconds).
  OPENCV_FFMPEG_CAPTURE_OPTIONS: 'rw_timeout;5000000',
};

function workerUrl(): URL {
  // Under Deno (or any runner of the TypeScript sources) the worker is a .ts file too.
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./capture-worker.${ext}`, import.meta.url);
}

export class CaptureWorkerHost {
  static #shared: CaptureWorkerHost | undefined;

  /** The process's capture worker, started on first use. */
  static shared(): CaptureWorkerHost {
    if (!CaptureWorkerHost.#shared || CaptureWorkerHost.#shared.#dead) CaptureWorkerHost.#shared = new CaptureWorkerHost();
    return CaptureWorkerHost.#shared;
  }

  readonly #worker: Worker;
  readonly #sessions = new Map<number, SessionHandler>();
  readonly #pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  #nextSession = 1;
  #nextRequest = 1;
  #pinned = false;
  #dead = false;

  private constructor() {
    for (const [key, value] of Object.entries(OPENCV_ENV_DEFAULTS)) {
      try {
        process.env[key] ??= value;
      } catch {
        // A runtime without permission to write the environment keeps OpenCV's defaults.
      }
    }
    this.#worker = new Worker(workerUrl(), { name: 'servercam-capture' });
    this.#worker.on('message', (message: WorkerToMain) => this.#route(message));
    this.#worker.on('error', (error) => this.#lost(error));
    this.#worker.on('exit', (code) => this.#lost(new Error(`the capture worker exited with code ${code}`)));
  }

  /** Registers a session; `usesOpenCv` pins the worker for the life of the process. */
  attach(handler: SessionHandler, usesOpenCv: boolean): number {
    const session = this.#nextSession++;
    this.#sessions.set(session, handler);
    if (usesOpenCv) this.#pinned = true;
    this.#worker.ref();
    return session;
  }

  /** Unregisters a session; resolves once the worker has ended, when this was the last session of an unpinned worker. */
  async detach(session: number): Promise<void> {
    this.#sessions.delete(session);
    if (this.#sessions.size > 0 || this.#dead) return;
    if (this.#pinned) {
      this.#worker.unref();
    } else {
      this.#dead = true;
      await this.#worker.terminate();
    }
  }

  post(message: MainToWorker): void {
    if (this.#dead) return;
    this.#worker.postMessage(message);
  }

  request(message: UnnumberedRequest, timeoutMs = 30_000): Promise<Reply> {
    if (this.#dead) return Promise.reject(new Error('the capture worker has stopped'));
    const request = this.#nextRequest++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(request);
        reject(new Error(`the capture worker did not answer ${message.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(request, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#worker.postMessage({ ...message, request } as RequestMessage);
    });
  }

  #route(message: WorkerToMain): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'reply':
        this.#pending.get(message.request)?.resolve(message);
        this.#pending.delete(message.request);
        return;
      case 'fatal':
        this.#lost(new Error(message.error.message));
        return;
      default:
        this.#sessions.get(message.session)?.onMessage(message);
    }
  }

  #lost(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    for (const handler of this.#sessions.values()) handler.onWorkerLost(error);
    this.#sessions.clear();
  }
}
