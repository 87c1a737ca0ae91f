/**
 * Capture in a worker thread of this process (the default): one worker per
 * process, shared by every ServerVideoStream.
 *
 * `@u4/opencv4nodejs` can be loaded by exactly one thread per process: a
 * second load, even after the first thread ended, aborts the process. So once
 * a session has used OpenCV, the worker is kept (unreferenced) after the last
 * session closes, and the next stream reuses it. A worker that never loaded
 * OpenCV ends with its last session.
 * @module
 */
import process from 'node:process';
import { Worker } from 'node:worker_threads';
import type { MainToWorker, WorkerToMain } from '../protocol.ts';
import { HostBase, type SessionHandler } from './capture-host.ts';
import { applyOpenCvDefaults } from './opencv-env.ts';

/** The capture module's URL: a .ts file too when the sources run directly (Deno, tsx). */
export function captureModuleUrl(name: 'capture-worker' | 'capture-process'): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`../capture/${name}.${ext}`, import.meta.url);
}

export class WorkerThreadHost extends HostBase {
  static #shared: WorkerThreadHost | undefined;

  /** The process's capture worker, started on first use. */
  static shared(): WorkerThreadHost {
    if (!WorkerThreadHost.#shared || WorkerThreadHost.#shared.#dead) WorkerThreadHost.#shared = new WorkerThreadHost();
    return WorkerThreadHost.#shared;
  }

  readonly #worker: Worker;
  #pinned = false;
  #dead = false;

  private constructor() {
    super();
    applyOpenCvDefaults(process.env);
    this.#worker = new Worker(captureModuleUrl('capture-worker'), { name: 'servercam-capture' });
    this.#worker.on('message', (message: WorkerToMain) => this.route(message));
    this.#worker.on('error', (error) => this.lost(error));
    this.#worker.on('exit', (code) => this.lost(new Error(`the capture worker exited with code ${code}`)));
  }

  get pid(): undefined {
    return undefined;
  }

  attach(handler: SessionHandler, usesOpenCv: boolean): number {
    if (usesOpenCv) this.#pinned = true;
    this.#worker.ref();
    return this.addSession(handler);
  }

  async detach(session: number): Promise<void> {
    this.sessions.delete(session);
    if (this.sessions.size > 0 || this.#dead) return;
    if (this.#pinned) {
      this.#worker.unref();
    } else {
      this.#dead = true;
      await this.#worker.terminate();
    }
  }

  protected send(message: MainToWorker): boolean {
    if (this.#dead) return false;
    this.#worker.postMessage(message);
    return true;
  }

  protected override lost(error: Error): void {
    if (this.#dead) return;
    this.#dead = true;
    super.lost(error);
    this.sessions.clear();
  }
}
