/**
 * The capture worker thread's entry point. It owns every camera of the
 * process and is the only thread that ever loads OpenCV. See PROTOCOL.md.
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { createCaptureService } from './capture-service.ts';
import type { MainToWorker } from '../protocol.ts';

const port = parentPort;
if (!port) throw new Error('capture-worker must run in a worker thread');

const handle = createCaptureService((message, transfer) => port.postMessage(message, transfer ?? []));
port.on('message', (message: MainToWorker) => handle(message));
port.postMessage({ type: 'ready' });
