/**
 * Capture in a supervised child process (`isolation: 'process'`). A crash of
 * the capture side, a native abort in OpenCV say, ends only the child: the
 * host reports it to every session, starts a new child with capped backoff,
 * and the sessions open their cameras again. A child that stops answering
 * heartbeats (its event loop stuck in a native call) is killed and restarted.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { MainToWorker, WorkerToMain } from '../protocol.ts';
import { backoffDelay } from '../time.ts';
import { HostBase, type SessionHandler } from './capture-host.ts';
import { withCaptureMallocTunables } from './malloc-env.ts';
import { withOpenCvDefaults } from './opencv-env.ts';
import { captureModuleUrl } from './worker-host.ts';

export interface ProcessSupervision {
  /** First delay before a restart; doubles on each crash in a row. */
  readonly restartMinMs: number;
  readonly restartMaxMs: number;
  /** How often the child is pinged. */
  readonly heartbeatMs: number;
  /** A child silent for this long is killed and restarted. */
  readonly heartbeatTimeoutMs: number;
}

export const DEFAULT_SUPERVISION: ProcessSupervision = {
  restartMinMs: 250,
  restartMaxMs: 5000,
  heartbeatMs: 1000,
  heartbeatTimeoutMs: 10_000,
};

/** How long a new child may take to say it is ready. */
const STARTUP_TIMEOUT_MS = 30_000;

/** A child that ran this long without crashing resets the restart backoff. */
const STABLE_AFTER_MS = 10_000;

export class ChildProcessHost extends HostBase {
  readonly #options: ProcessSupervision;
  #child: ChildProcess | undefined;
  #ready = false;
  #queue: MainToWorker[] = [];
  #crashes = 0;
  #startedAt = 0;
  #lastHeard = 0;
  #ping = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #restartTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: Partial<ProcessSupervision> = {}) {
    super();
    this.#options = { ...DEFAULT_SUPERVISION, ...options };
  }

  get pid(): number | undefined {
    return this.#ready ? this.#child?.pid : undefined;
  }

  attach(handler: SessionHandler): number {
    const session = this.addSession(handler);
    if (!this.#child && !this.#restartTimer) this.#spawn();
    return session;
  }

  async detach(session: number): Promise<void> {
    this.sessions.delete(session);
    if (this.sessions.size > 0) return;
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    clearInterval(this.#heartbeat);
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // The child exits by itself when its IPC channel closes; force it if it is stuck.
    child.disconnect();
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(force);
  }

  protected send(message: MainToWorker): boolean {
    if (this.#closed) return false;
    if (!this.#ready) {
      this.#queue.push(message);
      return true;
    }
    if (!this.#child?.connected) return false;
    this.#child.send(message);
    return true;
  }

  #spawn(): void {
    this.#ready = false;
    const child = fork(fileURLToPath(captureModuleUrl('capture-process')), [], {
      serialization: 'advanced',
      env: withCaptureMallocTunables(withOpenCvDefaults(process.env)),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    this.#child = child;
    this.#startedAt = this.#lastHeard = Date.now();
    child.on('message', (message: WorkerToMain) => {
      this.#lastHeard = Date.now();
      if (message.type === 'ready') this.#onReady(child);
      this.route(message);
    });
    child.on('exit', (code, signal) => this.#onExit(child, code, signal));
    child.on('error', () => {
      // 'exit' follows, and is what restarts the child.
    });
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => this.#checkHeartbeat(child), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  #onReady(child: ChildProcess): void {
    if (child !== this.#child) return;
    this.#ready = true;
    const queued = this.#queue;
    this.#queue = [];
    for (const message of queued) child.send(message);
  }

  #checkHeartbeat(child: ChildProcess): void {
    if (child !== this.#child || !child.connected) return;
    const now = Date.now();
    if (now - this.#startedAt > STABLE_AFTER_MS && now - this.#lastHeard < this.#options.heartbeatTimeoutMs) this.#crashes = 0;
    // Until it is ready, a child is loading its modules (slow on a busy machine): allow it the start-up time.
    const allowed = this.#ready ? this.#options.heartbeatTimeoutMs : Math.max(this.#options.heartbeatTimeoutMs, STARTUP_TIMEOUT_MS);
    if (now - this.#lastHeard > allowed) {
      child.kill('SIGKILL');
      return;
    }
    child.send({ type: 'ping', id: ++this.#ping } satisfies MainToWorker);
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    this.#child = undefined;
    this.#ready = false;
    this.#queue = [];
    clearInterval(this.#heartbeat);
    if (this.#closed) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    this.lost(new Error(`the capture process ${how}; restarting it`));
    const delay = backoffDelay(this.#crashes++, this.#options.restartMinMs, this.#options.restartMaxMs);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#closed) return;
      this.#spawn();
      for (const handler of this.sessions.values()) handler.onRestart?.();
    }, delay);
  }
}
