/**
 * The capture side's message handler, independent of how messages travel
 * (a worker thread's port or a child process's IPC channel).
 * @module
 */
import { Session } from './session.ts';
import type { MainToWorker, WorkerToMain } from '../protocol.ts';

export type Post = (message: WorkerToMain, transfer?: ArrayBuffer[]) => void;

/** Returns the function that handles each message from the main side. */
export function createCaptureService(post: Post): (message: MainToWorker) => void {
  const sessions = new Map<number, Session>();
  return (message) => {
    switch (message.type) {
      case 'session.open':
        sessions.set(message.session, new Session(message.session, message.cameras, message.settings, message.tuning, post, message.seqs, message.demand));
        return;
      case 'session.settings':
        sessions.get(message.session)?.updateSettings(message.settings);
        return;
      case 'session.demand':
        sessions.get(message.session)?.setDemand(message.cameraId, message.variants);
        return;
      case 'session.preopen': {
        const session = sessions.get(message.session);
        void (session ? session.preopen(message.cameraIds) : Promise.resolve([])).then((errors) =>
          post({ type: 'reply', session: message.session, request: message.request, errors }),
        );
        return;
      }
      case 'session.stats':
        post({ type: 'reply', session: message.session, request: message.request, stats: sessions.get(message.session)?.stats() ?? [] });
        return;
      case 'session.close': {
        const session = sessions.get(message.session);
        sessions.delete(message.session);
        void (session?.close() ?? Promise.resolve()).then(() =>
          post({ type: 'reply', session: message.session, request: message.request }),
        );
        return;
      }
      case 'ping':
        post({ type: 'pong', id: message.id });
        return;
    }
  };
}
