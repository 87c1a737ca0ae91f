/**
 * `GET /events/:id/snapshot.jpg` and `GET /events/:id/clip.(mp4|avi)`: an
 * event's files, with byte ranges (`Range: bytes=…`, 206 / 416) so a browser
 * `<video>` can seek. A plain `(request, id) => Response` per route, so an
 * auth guard can wrap it.
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { errorResponse, methodNotAllowed } from '../routes/http.ts';
import type { EventService } from './service.ts';

/** `/events/:id/snapshot.jpg`, `/events/:id/clip.mp4`, `/events/:id/clip.avi`. */
export const EVENT_ROUTE = /^\/events\/([^/]+)\/(snapshot\.jpg|clip\.(?:mp4|avi))$/;

export function eventSnapshotUrl(id: string): string {
  return `/events/${encodeURIComponent(id)}/snapshot.jpg`;
}

export function eventClipUrl(id: string, file: string): string {
  return `/events/${encodeURIComponent(id)}/clip.${file.endsWith('.avi') ? 'avi' : 'mp4'}`;
}

export type ByteRange = { readonly start: number; readonly end: number } | 'unsatisfiable' | undefined;

/**
 * Parses a `Range` header for a body of `size` bytes: one range (a multi-range
 * request gets its first range). `undefined`: no usable header, send it all.
 *
 * By hand, in one pass with no regular expression (linear in the header's
 * length): the kept library `range-parser` answers 416 where RFC 9110 wants
 * otherwise (a suffix longer than the file is the whole file; `bytes=5-2` is
 * ignored) and skips an invalid first range for a later one.
 */
export function parseRange(header: string | null, size: number): ByteRange {
  if (header === null) return undefined;
  const text = header.trim();
  if (!text.startsWith('bytes=')) return undefined;
  const comma = text.indexOf(',', 6);
  const first = comma < 0 ? text.slice(6) : text.slice(6, comma);
  const dash = first.indexOf('-');
  if (dash < 0) return undefined;
  const startText = first.slice(0, dash).trim();
  const endText = first.slice(dash + 1).trim();
  if (!isDigits(startText) || !isDigits(endText) || (startText === '' && endText === '')) return undefined;
  let start: number;
  let end: number;
  if (startText === '') {
    const suffix = Number(endText);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(startText);
    // `bytes=5-2` is not a range: ignored (RFC 9110 14.1.1).
    if (endText !== '' && Number(endText) < start) return undefined;
    end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

/** Whether `text` is ASCII digits only (or empty). */
function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/** A file as a response, honouring `Range` and HEAD. */
export async function fileResponse(request: Request, path: string, mimeType: string, filename: string): Promise<Response> {
  let size: number;
  let modified: Date;
  try {
    const info = await stat(path);
    size = info.size;
    modified = info.mtime;
  } catch {
    return errorResponse(404, `The file of this event is gone`);
  }
  const headers: Record<string, string> = {
    'Content-Type': mimeType,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, max-age=3600',
    'Last-Modified': modified.toUTCString(),
    'Content-Disposition': `inline; filename="${filename}"`,
  };
  const range = parseRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  headers['Content-Length'] = String(size === 0 ? 0 : end - start + 1);
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  const status = range ? 206 : 200;
  if (request.method === 'HEAD' || size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

/** Handles an {@link EVENT_ROUTE} request. */
/** `visible`: whether the caller may see events of a camera (access/doors.ts); others are answered as unknown events. */
export async function eventFileResponse(
  request: Request,
  events: EventService | undefined,
  id: string,
  file: string,
  visible: (cameraId: string) => boolean = () => true,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
  const event = events?.store.get(id);
  if (!event || !visible(event.cameraId)) return errorResponse(404, `Unknown event "${id}"`);
  if (file === 'snapshot.jpg') {
    if (!event.snapshotFile) return errorResponse(404, `Event "${id}" has no snapshot`);
    return fileResponse(request, events!.filePath(event.snapshotFile), 'image/jpeg', `${id}.jpg`);
  }
  if (event.recording === 'recording') return errorResponse(503, `The clip of event "${id}" is still being recorded`, { 'Retry-After': '5' });
  if (event.recording !== 'ready' || !event.clipFile) {
    return errorResponse(404, `Event "${id}" has no clip${event.recordingError ? `: ${event.recordingError}` : ''}`);
  }
  const extension = event.clipFile.endsWith('.avi') ? 'avi' : 'mp4';
  if (file !== `clip.${extension}`) return errorResponse(404, `The clip of event "${id}" is at ${eventClipUrl(id, event.clipFile)}`);
  return fileResponse(request, events!.filePath(event.clipFile), event.clipMimeType ?? 'video/mp4', `${id}.${extension}`);
}
