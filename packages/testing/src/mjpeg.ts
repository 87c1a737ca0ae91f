/**
 * An MJPEG stream (`multipart/x-mixed-replace`) read with fetch and web
 * streams, part by part. Strict: each part starts with the boundary, has a
 * Content-Length, and ends with CRLF.
 * @module
 */

export interface MjpegPart {
  /** Header names lower-cased. */
  readonly headers: Record<string, string>;
  readonly data: Uint8Array;
}

const latin1 = new TextDecoder('latin1');
const HEAD_END = [13, 10, 13, 10];

/** Where `\r\n\r\n` starts in `bytes`, or -1. */
function headEnd(bytes: Uint8Array): number {
  outer: for (let i = 0; i + HEAD_END.length <= bytes.length; i++) {
    for (let j = 0; j < HEAD_END.length; j++) if (bytes[i + j] !== HEAD_END[j]) continue outer;
    return i;
  }
  return -1;
}

/** The boundary of a multipart Content-Type. @throws when there is none */
export function multipartBoundary(contentType: string): string {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no multipart boundary in "${contentType}"`);
  return boundary.replace(/^"(.*)"$/, '$1');
}

/** The parts of a multipart body with `boundary`, as they arrive; cancels the body when the consumer stops. */
export async function* parseMultipart(body: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<MjpegPart> {
  const reader = body.getReader();
  let buffer = new Uint8Array(0);
  const fill = async (): Promise<boolean> => {
    const { done, value } = await reader.read();
    if (done) return false;
    const joined = new Uint8Array(buffer.length + value.length);
    joined.set(buffer);
    joined.set(value, buffer.length);
    buffer = joined;
    return true;
  };
  try {
    for (;;) {
      let end: number;
      while ((end = headEnd(buffer)) < 0) if (!(await fill())) return;
      const lines = latin1.decode(buffer.subarray(0, end)).split('\r\n');
      if (lines[0] !== `--${boundary}`) throw new Error(`expected the boundary, got "${lines[0]}"`);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      if (!Number.isInteger(length) || length < 0) throw new Error('a part without Content-Length');
      const start = end + 4;
      while (buffer.length < start + length + 2) if (!(await fill())) return;
      yield { headers, data: buffer.slice(start, start + length) };
      if (buffer[start + length] !== 13 || buffer[start + length + 1] !== 10) throw new Error('a part not ended by CRLF');
      buffer = buffer.slice(start + length + 2);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/** The parts of an MJPEG response (its Content-Type names the boundary). */
export async function* mjpegParts(response: Response): AsyncGenerator<MjpegPart> {
  if (!response.body) throw new Error(`MJPEG response without a body: ${response.status}`);
  yield* parseMultipart(response.body, multipartBoundary(response.headers.get('content-type') ?? ''));
}
