/**
 * The capture worker's entry point. It owns every camera of the process and
 * is the only thread that ever loads OpenCV. See PROTOCOL.md.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { Session } from './session.ts';
import type { MainToWorker, WorkerToMain } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('capture-worker must run in a worker thread');

const sessions = new Map<number, Session>();

function post(message: WorkerToMain, transfer?: ArrayBuffer[]): void {
  port!.postMessage(message, transfer ?? []);
}

port.on('message', (message: MainToWorker) => {
  switch (message.type) {
    case 'session.open':
      sessions.set(message.session, new Session(message.session, message.cameras, message.settings, message.tuning, post));
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
  }
});

post({ type: 'ready' });
