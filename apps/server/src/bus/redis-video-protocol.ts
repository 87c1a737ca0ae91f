/**
 * H.264 over Redis (docs/deploy.md, "Wire format"): the capture node publishes
 * each access unit of a demanded camera variant on `P:video:<cameraId>:<variant>`
 * as one binary message, like JPEG frames:
 *
 * `"SCV"` (3 bytes) · version 1 (u8) · header length (u16 BE) · header (JSON, UTF-8) · `avcC` (`descriptionBytes`) · the access unit.
 *
 * The header is either `kind: "chunk"` (`cameraId`, `stream` and `n`: the
 * capture node's reader of the variant and the message's number in it, so a
 * gateway sees a lost or repeated message; `seq`, `capturedAt`, `keyframe`,
 * `codec`, `width`, `height`, `variant`, `descriptionBytes`) or
 * `kind: "error"` (`cameraId`, `variant`, `code`, `message`): the variant's
 * video failed (the encoder missing or crashing), and its consumers get that
 * error. Checked on arrival like every bus message (redis-schemas.ts): its
 * size, header, camera and variant (those of its channel), `avcC` version, and
 * that the access unit's 4-byte NAL lengths tile it exactly (AVCC layout).
 * @module
 */
import { Buffer } from 'node:buffer';
import { redactSecrets } from '@servercam/core';
import type { VideoChunk } from '@servercam/core';
import { parseJson } from './redis-protocol.ts';
import { BUS_LIMITS, type Checked, check, VideoHeaderSchema } from './redis-schemas.ts';

const MAGIC = Buffer.from('SCV', 'latin1');
const VERSION = 1;

/** A variant's video failed on the capture node: its code (the core's) and message. */
export interface VideoError {
  readonly cameraId: string;
  readonly variant: string;
  readonly code: string;
  readonly message: string;
}

/** Where a chunk stands in its channel: the capture node's reader (`stream`) and its number there (`n`, one more per chunk). */
export interface ChunkPosition {
  readonly stream: string;
  readonly n: number;
}

export type VideoMessage = { readonly kind: 'chunk'; readonly chunk: VideoChunk; readonly position: ChunkPosition } | ({ readonly kind: 'error' } & VideoError);

function frame(header: object, ...bodies: Uint8Array[]): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(6 + head.byteLength + bodies.reduce((sum, body) => sum + body.byteLength, 0));
  MAGIC.copy(out, 0);
  out.writeUInt8(VERSION, 3);
  out.writeUInt16BE(head.byteLength, 4);
  head.copy(out, 6);
  let at = 6 + head.byteLength;
  for (const body of bodies) {
    out.set(body, at);
    at += body.byteLength;
  }
  return out;
}

/** A chunk as published for the gateways' `variant` (the key they subscribed to; the chunk says its real size), at `position`. */
export function encodeVideoChunk(chunk: VideoChunk, position: ChunkPosition, variant: string = chunk.variant): Buffer {
  const description = chunk.description ?? new Uint8Array(0);
  return frame(
    {
      kind: 'chunk',
      cameraId: chunk.cameraId,
      stream: position.stream,
      n: position.n,
      seq: chunk.seq,
      capturedAt: chunk.capturedAt,
      keyframe: chunk.keyframe,
      codec: chunk.codec,
      width: chunk.width,
      height: chunk.height,
      variant,
      descriptionBytes: description.byteLength,
    },
    description,
    chunk.data,
  );
}

/** A variant's failure, its message cut to the wire format's bound. */
export function encodeVideoError(error: VideoError): Buffer {
  const message = error.message.length <= BUS_LIMITS.messageLength ? error.message : `${error.message.slice(0, BUS_LIMITS.messageLength - 1)}…`;
  return frame({ kind: 'error', cameraId: error.cameraId, variant: error.variant, code: error.code, message });
}

/** Whether `data` is NAL units each preceded by its 4-byte big-endian length, with nothing left over. */
function isAvcc(data: Uint8Array): boolean {
  if (data.byteLength < 5) return false;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < data.byteLength) {
    if (at + 4 > data.byteLength) return false;
    const length = view.getUint32(at);
    if (length === 0) return false;
    at += 4 + length;
  }
  return at === data.byteLength;
}

/**
 * The chunk or error in a message, its bytes views of `data` (no copy),
 * checked; `expected`: the camera and variant of the channel it came on.
 */
export function decodeVideo(data: Buffer, expected: { readonly cameraId: string; readonly variant: string }): Checked<VideoMessage> {
  if (data.byteLength > BUS_LIMITS.videoBytes) return { ok: false, reason: `too large (${data.byteLength} bytes, at most ${BUS_LIMITS.videoBytes})` };
  if (data.byteLength < 6 || data.compare(MAGIC, 0, 3, 0, 3) !== 0) return { ok: false, reason: 'not a video message (no SCV magic)' };
  if (data.readUInt8(3) !== VERSION) return { ok: false, reason: `video format version ${data.readUInt8(3)} (this gateway reads ${VERSION})` };
  const length = data.readUInt16BE(4);
  if (length > BUS_LIMITS.videoHeaderBytes) return { ok: false, reason: `header too large (${length} bytes, at most ${BUS_LIMITS.videoHeaderBytes})` };
  if (data.byteLength < 6 + length) return { ok: false, reason: 'truncated' };
  const parsed = parseJson(data.subarray(6, 6 + length), BUS_LIMITS.videoHeaderBytes);
  const checked = parsed.ok ? check(VideoHeaderSchema, parsed.value) : parsed;
  if (!checked.ok) return { ok: false, reason: `header: ${checked.reason}` };
  const header = checked.value;
  if (header.cameraId !== expected.cameraId || header.variant !== expected.variant) {
    return { ok: false, reason: 'header: camera or variant other than its channel\'s' };
  }
  if (header.kind === 'error') {
    if (data.byteLength !== 6 + length) return { ok: false, reason: 'bytes after an error header' };
    return { ok: true, value: { kind: 'error', cameraId: header.cameraId, variant: header.variant, code: header.code, message: redactSecrets(header.message) } };
  }
  const bodyAt = 6 + length;
  const dataAt = bodyAt + header.descriptionBytes;
  if (data.byteLength <= dataAt) return { ok: false, reason: 'truncated' };
  const description = header.descriptionBytes > 0 ? new Uint8Array(data.buffer, data.byteOffset + bodyAt, header.descriptionBytes) : undefined;
  // avcC: configurationVersion 1, then profile, compatibility and level, the length size (4 bytes here) and the parameter sets.
  if (description && (description.byteLength < 7 || description[0] !== 1 || (description[4]! & 0x03) !== 3)) {
    return { ok: false, reason: 'description: not an avcC record with 4-byte NAL lengths' };
  }
  const unit = new Uint8Array(data.buffer, data.byteOffset + dataAt, data.byteLength - dataAt);
  if (!isAvcc(unit)) return { ok: false, reason: 'not an access unit in AVCC layout after the header' };
  const chunk: VideoChunk = Object.freeze({
    cameraId: header.cameraId,
    seq: header.seq,
    capturedAt: header.capturedAt,
    keyframe: header.keyframe,
    codec: header.codec,
    description,
    width: header.width,
    height: header.height,
    data: unit,
    variant: header.variant,
  });
  return { ok: true, value: { kind: 'chunk', chunk, position: { stream: header.stream, n: header.n } } };
}
