/**
 * The capture child process's entry point, for `isolation: 'process'`: the
 * same capture service as the worker thread, over Node's IPC channel. A crash
 * here (a native abort in OpenCV, say) ends only this process; the parent
 * restarts it. It exits when the parent goes away.
 * @module
 */
import process from 'node:process';
import { createCaptureService } from './capture-service.ts';
import type { MainToWorker, WorkerToMain } from '../protocol.ts';

const send = process.send?.bind(process);
if (!send) throw new Error('capture-process must be started with an IPC channel (child_process.fork)');

const handle = createCaptureService((message: WorkerToMain) => {
  // 'advanced' serialization carries the ArrayBuffer as is (copied through the pipe).
  if (process.connected) send(message);
});
process.on('message', (message: MainToWorker) => handle(message));
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' } satisfies WorkerToMain);
