/**
 * The main side's seam to the capture side: where the cameras run (a worker
 * thread of this process, or a supervised child process) is hidden behind
 * `CaptureHost`. Both speak the protocol of PROTOCOL.md.
 * @module
 */
import type { MainToWorker, WorkerToMain } from '../protocol.ts';

export type Reply = Extract<WorkerToMain, { type: 'reply' }>;
export type SessionMessage = Extract<WorkerToMain, { type: 'frame' | 'status' | 'motion' | 'video' | 'video.error' }>;
type RequestMessage = Extract<MainToWorker, { request: number }>;
/** A request before it gets its number (Omit distributed over the union). */
export type UnnumberedRequest = RequestMessage extends infer M ? (M extends RequestMessage ? Omit<M, 'request'> : never) : never;

export interface SessionHandler {
  onMessage(message: SessionMessage): void;
  /** The capture side died: every camera of the session is gone until `onRestart`. */
  onWorkerLost(error: Error): void;
  /** The capture side is back (a new process): the session must be opened again. */
  onRestart?(): void;
}

export interface CaptureHost {
  /** Registers a session; `usesOpenCv` matters to hosts that must keep OpenCV's thread. */
  attach(handler: SessionHandler, usesOpenCv: boolean): number;
  /** Unregisters a session; resolves once the host has released what it no longer needs. */
  detach(session: number): Promise<void>;
  post(message: MainToWorker): void;
  request(message: UnnumberedRequest, timeoutMs?: number): Promise<Reply>;
  /** The capture process id, for a host that runs capture in a child process. */
  readonly pid: number | undefined;
}

/** Routing and request/reply bookkeeping shared by every host. */
export abstract class HostBase implements CaptureHost {
  protected readonly sessions = new Map<number, SessionHandler>();
  readonly #pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  #nextSession = 1;
  #nextRequest = 1;

  abstract attach(handler: SessionHandler, usesOpenCv: boolean): number;
  abstract detach(session: number): Promise<void>;
  abstract get pid(): number | undefined;
  /** Sends to the capture side; false when it is not running. */
  protected abstract send(message: MainToWorker): boolean;

  protected addSession(handler: SessionHandler): number {
    const session = this.#nextSession++;
    this.sessions.set(session, handler);
    return session;
  }

  post(message: MainToWorker): void {
    this.send(message);
  }

  request(message: UnnumberedRequest, timeoutMs = 30_000): Promise<Reply> {
    const request = this.#nextRequest++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(request);
        reject(new Error(`the capture side did not answer ${message.type} within ${timeoutMs} ms`));
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
      if (!this.send({ ...message, request } as RequestMessage)) {
        this.#pending.get(request)?.reject(new Error('the capture side is not running'));
        this.#pending.delete(request);
      }
    });
  }

  /** Handles one message from the capture side. */
  protected route(message: WorkerToMain): void {
    switch (message.type) {
      case 'ready':
      case 'pong':
        return;
      case 'reply':
        this.#pending.get(message.request)?.resolve(message);
        this.#pending.delete(message.request);
        return;
      default:
        this.sessions.get(message.session)?.onMessage(message);
    }
  }

  /** The capture side is gone: fail pending requests and tell every session. */
  protected lost(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    for (const handler of this.sessions.values()) handler.onWorkerLost(error);
  }
}
