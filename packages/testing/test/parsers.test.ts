/**
 * The SSE and MJPEG parsers and the JPEG reader of the kit, on real bytes
 * (served over a real loopback socket where a Response is read).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { jpegSize, mjpegParts, parseMultipart, parseSse, sseEvents } from '../src/index.ts';

/** A stream that delivers `chunks` one by one (a parser must join what TCP splits). */
function streamOf(...chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/** The smallest whole JPEG the reader accepts: SOI, an SOF0 of 320×240, EOI. */
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0xf0, 0x01, 0x40, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9]);

function part(data: Uint8Array, boundary = 'frame'): Uint8Array {
  const head = new TextEncoder().encode(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${data.length}\r\n\r\n`);
  const out = new Uint8Array(head.length + data.length + 2);
  out.set(head);
  out.set(data, head.length);
  out.set([13, 10], head.length + data.length);
  return out;
}

const servers: Server[] = [];
/** A server answering every request with `type` and `body` (or the body `body` makes of the request). */
async function serve(type: string, body: Uint8Array | string | ((request: IncomingMessage) => string)): Promise<string> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': type });
    response.end(typeof body === 'function' ? body(request) : body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('parseSse', () => {
  it('yields named events with their data, joined across chunks that split a block', async () => {
    const events = await all(parseSse(streamOf('event: next\nda', 'ta: {"a":1}\n\n', 'event: complete\n\n')));
    expect(events).toEqual([{ event: 'next', data: '{"a":1}' }, { event: 'complete', data: '' }]);
  });

  it('joins multi-line data and skips comment-only blocks (keep-alives)', async () => {
    const events = await all(parseSse(streamOf(':\n\n', 'data: one\ndata: two\n\n')));
    expect(events).toEqual([{ event: 'message', data: 'one\ntwo' }]);
  });

  it('reads blocks separated by CRLF', async () => {
    expect(await all(parseSse(streamOf('event: next\r\ndata: x\r\n\r\n')))).toEqual([{ event: 'next', data: 'x' }]);
  });

  it('sseEvents POSTs the operation and refuses a response that is not SSE', async () => {
    const url = await serve('application/json', '{}');
    await expect(all(sseEvents(url, '{ __typename }'))).rejects.toThrow(/not SSE/);
  });

  it('sseEvents sends the headers it is given with its own', async () => {
    const url = await serve('text/event-stream', (request) => `event: next\ndata: ${request.headers.authorization} ${request.headers.accept}\n\n`);
    const events = await all(sseEvents(url, '{ __typename }', {}, undefined, { authorization: 'Bearer t0ken' }));
    expect(events).toEqual([{ event: 'next', data: 'Bearer t0ken text/event-stream' }]);
  });
});

describe('parseMultipart / mjpegParts', () => {
  it('yields each part with its headers and exact bytes, across chunk splits', async () => {
    const body = new Uint8Array([...part(JPEG), ...part(JPEG)]);
    const parts = await all(parseMultipart(streamOf(body.subarray(0, 30), body.subarray(30, 50), body.subarray(50)), 'frame'));
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers['content-type']).toBe('image/jpeg');
    expect(parts[1]!.data).toEqual(JPEG);
  });

  it('rejects a part that does not start with the boundary', async () => {
    await expect(all(parseMultipart(streamOf(part(JPEG, 'other')), 'frame'))).rejects.toThrow(/expected the boundary/);
  });

  it('rejects a part without Content-Length', async () => {
    await expect(all(parseMultipart(streamOf('--frame\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n'), 'frame'))).rejects.toThrow(/Content-Length/);
  });

  it('rejects a part not ended by CRLF', async () => {
    const broken = part(JPEG);
    broken[broken.length - 2] = 0x41;
    await expect(all(parseMultipart(streamOf(broken, part(JPEG)), 'frame'))).rejects.toThrow(/CRLF/);
  });

  it('mjpegParts reads the boundary from a real response', async () => {
    const url = await serve('multipart/x-mixed-replace; boundary=frame', part(JPEG));
    const parts = await all(mjpegParts(await fetch(url)));
    expect(parts.map((p) => jpegSize(p.data))).toEqual([{ width: 320, height: 240 }]);
  });

  it('mjpegParts refuses a response without a boundary', async () => {
    const url = await serve('image/jpeg', JPEG);
    await expect(all(mjpegParts(await fetch(url)))).rejects.toThrow(/no multipart boundary/);
  });
});

describe('jpegSize', () => {
  it('reads the size from the SOF marker', () => {
    expect(jpegSize(JPEG)).toEqual({ width: 320, height: 240 });
  });

  it('refuses bytes without EOI (a cut JPEG)', () => {
    expect(() => jpegSize(JPEG.subarray(0, -1))).toThrow(/no EOI/);
  });
});
