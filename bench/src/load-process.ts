/**
 * A load generator: N clients of one transport, in a process of its own.
 * Parses only what it needs: `capturedAt` from the first bytes of each message
 * (never JSON-parsing a 64 KB frame), and where each message ends. Counts the
 * messages and latencies inside the window [from, to) it was given, and
 * reports them over IPC.
 * @module
 */
import { Buffer } from 'node:buffer';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { FromLoad, LoadSpec } from './messages.ts';
import { FRAMES_QUERY, VIDEO_QUERY } from './queries.ts';


const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const counts: number[] = [];
const latencies: number[] = [];
let bytes = 0;
const errors: string[] = [];
const sockets: Array<{ close(): void }> = [];
const now = (): number => performance.timeOrigin + performance.now();

const CAPTURED_JSON = Buffer.from('"capturedAt":"');
const CAPTURED_HEADER = Buffer.from('X-Captured-At: ');

/** Bytes arrived for a reading client: counted if inside the window. */
function arrived(size: number): void {
  const at = now();
  if (at >= spec.from && at < spec.to) bytes += size;
}

/** A message arrived whole: counted if inside the window. */
function received(client: number, capturedAt: number): void {
  const at = now();
  if (at < spec.from || at >= spec.to) return;
  counts[client]!++;
  if (Number.isFinite(capturedAt)) latencies.push(at - capturedAt);
}

/** The ISO time after `needle` in the first bytes of `head`. */
function capturedAtIn(head: Buffer, needle: Buffer): number {
  const at = head.indexOf(needle);
  if (at < 0) return Number.NaN;
  const start = at + needle.length;
  return Date.parse(head.toString('latin1', start, start + 24));
}

function variables(index: number): Record<string, unknown> {
  const w = spec.maxWidths.length > 0 ? spec.maxWidths[index % spec.maxWidths.length] : undefined;
  return w === undefined ? {} : { w };
}

function wsClient(index: number, stall: boolean): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${spec.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push({ close: () => ws.terminate() });
    let subscribed = false;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('error', (error) => {
      errors.push(`ws ${index}: ${error.message}`);
      resolve();
    });
    ws.on('message', (data: Buffer) => {
      if (!subscribed) {
        subscribed = true;
        const query = spec.transport === 'video' ? VIDEO_QUERY : FRAMES_QUERY;
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables: variables(index) } }));
        return;
      }
      if (stall) {
        (ws as unknown as { _socket: Socket })._socket.pause();
        resolve();
        return;
      }
      const head = data.subarray(0, 256);
      if (head.indexOf('"type":"next"') < 0) {
        if (head.indexOf('"type":"ping"') >= 0) ws.send('{"type":"pong"}');
        else errors.push(`ws ${index}: ${head.toString('utf8', 0, 200)}`);
        return;
      }
      arrived(data.length);
      received(index, capturedAtIn(head, CAPTURED_JSON));
      resolve();
    });
  });
}

function sseClient(index: number, stall: boolean): Promise<void> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ query: FRAMES_QUERY, variables: variables(index) });
    const req = request(`${spec.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': Buffer.byteLength(body) },
      agent: false,
    });
    sockets.push({ close: () => req.destroy() });
    req.on('error', (error) => {
      errors.push(`sse ${index}: ${error.message}`);
      resolve();
    });
    req.on('response', (res) => {
      let head = Buffer.alloc(0);
      let lastWasNewline = false;
      const eventEnded = (): void => {
        if (head.indexOf('event: next') >= 0) {
          if (stall) {
            res.socket.pause();
          } else {
            received(index, capturedAtIn(head, CAPTURED_JSON));
          }
          resolve();
        }
        head = Buffer.alloc(0);
      };
      res.on('data', (chunk: Buffer) => {
        if (!stall) arrived(chunk.length);
        let pos = 0;
        if (lastWasNewline && chunk[0] === 0x0a) {
          eventEnded();
          pos = 1;
        }
        for (;;) {
          const end = chunk.indexOf('\n\n', pos);
          const stop = end < 0 ? chunk.length : end;
          if (head.length < 200) head = Buffer.concat([head, chunk.subarray(pos, Math.min(stop, pos + 200))]);
          if (end < 0) break;
          eventEnded();
          pos = end + 2;
        }
        lastWasNewline = chunk[chunk.length - 1] === 0x0a && pos < chunk.length;
      });
    });
    req.end(body);
  });
}

function mjpegClient(index: number, stall: boolean): Promise<void> {
  return new Promise((resolve) => {
    const w = variables(index)['w'];
    const req = request(`${spec.url}/cameras/cam/stream.mjpeg${w === undefined ? '' : `?maxWidth=${String(w)}`}`, { agent: false });
    sockets.push({ close: () => req.destroy() });
    req.on('error', (error) => {
      errors.push(`mjpeg ${index}: ${error.message}`);
      resolve();
    });
    req.on('response', (res) => {
      let header = Buffer.alloc(0);
      let skip = 0;
      let capturedAt = Number.NaN;
      res.on('data', (chunk: Buffer) => {
        if (!stall) arrived(chunk.length);
        let pos = 0;
        while (pos < chunk.length) {
          if (skip > 0) {
            const take = Math.min(skip, chunk.length - pos);
            skip -= take;
            pos += take;
            if (skip === 0) {
              if (stall) {
                res.socket.pause();
              } else {
                received(index, capturedAt);
              }
              resolve();
            }
            continue;
          }
          const appended = Math.min(512, chunk.length - pos);
          header = Buffer.concat([header, chunk.subarray(pos, pos + appended)]);
          pos += appended;
          const end = header.indexOf('\r\n\r\n');
          if (end < 0) continue;
          const text = header.toString('latin1', 0, end);
          capturedAt = capturedAtIn(header.subarray(0, end), CAPTURED_HEADER);
          // The bytes after the header's end are the image's first ones, still in this chunk.
          pos -= header.length - (end + 4);
          header = Buffer.alloc(0);
          skip = Number(/Content-Length: (\d+)/i.exec(text)?.[1]) + 2;
        }
      });
    });
    req.end();
  });
}

const connect = { 'graphql-ws': wsClient, video: wsClient, sse: sseClient, mjpeg: mjpegClient }[spec.transport];
const started: Array<Promise<void>> = [];
for (let i = 0; i < spec.clients; i++) {
  counts.push(0);
  started.push(connect(i, false));
}
for (let i = 0; i < spec.stalled; i++) started.push(connect(spec.clients + i, true));
await Promise.race([Promise.all(started), new Promise((resolve) => setTimeout(resolve, Math.max(1000, spec.from - Date.now())))]);
process.send?.({ type: 'connected' } satisfies FromLoad);

const cpuAt = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
await new Promise((resolve) => setTimeout(resolve, Math.max(0, spec.from - Date.now())));
const cpu0 = cpuAt();
await new Promise((resolve) => setTimeout(resolve, Math.max(0, spec.to - Date.now() + 50)));
const result: FromLoad = { type: 'result', counts, latencies, bytes, errors: errors.slice(0, 20), cpuSeconds: cpuAt() - cpu0 };
for (const socket of sockets) socket.close();
process.send?.(result, undefined, {}, () => process.exit(0));
