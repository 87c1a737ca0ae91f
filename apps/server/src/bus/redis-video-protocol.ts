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
 * size, header, camera and variant (those of its channel), the `avcC` record (its version,
 * parameter sets and 4-byte NAL lengths), and
 * that the access unit's 4-byte NAL lengths tile it exactly (AVCC layout).
 * @module
 */
import { Buffer } from 'node:buffer';
import { parseAvcc, redactSecrets, splitAvcc } from '@servercam/core';
import type { VideoChunk } from '@servercam/core';
import { cut, envelope, type EnvelopeLimits, type EnvelopeMagic, openEnvelope } from './redis-protocol.ts';
import { BUS_LIMITS, type Checked, VideoHeaderSchema } from './redis-schemas.ts';

const MAGIC: EnvelopeMagic = { bytes: Buffer.from('SCV', 'latin1'), noun: 'a video message', format: 'video' };
const LIMITS: EnvelopeLimits = { maxBytes: BUS_LIMITS.videoBytes, headerBytes: BUS_LIMITS.videoHeaderBytes, minBodyBytes: 0 };

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

/** A chunk as published for the gateways' `variant` (the key they subscribed to; the chunk says its real size), at `position`. */
export function encodeVideoChunk(chunk: VideoChunk, position: ChunkPosition, variant: string = chunk.variant): Buffer {
  const description = chunk.description ?? new Uint8Array(0);
  return envelope(
    MAGIC,
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
  const message = cut(error.message, BUS_LIMITS.messageLength);
  return envelope(MAGIC, { kind: 'error', cameraId: error.cameraId, variant: error.variant, code: error.code, message });
}

/** Whether `data` is NAL units each preceded by its 4-byte big-endian length, with nothing left over. */
function isAvccUnit(data: Uint8Array): boolean {
  if (data.byteLength < 5) return false;
  try {
    return splitAvcc(data, 4).every((nal) => nal.byteLength > 0);
  } catch {
    return false; // a length truncated or running past the end
  }
}

/** Whether `description` is an avcC record (configurationVersion 1, its parameter sets whole) with 4-byte NAL lengths. */
function isAvccRecord(description: Uint8Array): boolean {
  try {
    return parseAvcc(description).lengthSize === 4;
  } catch {
    return false;
  }
}

/**
 * The chunk or error in a message, its bytes views of `data` (no copy),
 * checked; `expected`: the camera and variant of the channel it came on.
 */
export function decodeVideo(data: Buffer, expected: { readonly cameraId: string; readonly variant: string }): Checked<VideoMessage> {
  const opened = openEnvelope(data, MAGIC, LIMITS, VideoHeaderSchema, expected);
  if (!opened.ok) return opened;
  const { header, bodyAt } = opened.value;
  if (header.kind === 'error') {
    if (data.byteLength !== bodyAt) return { ok: false, reason: 'bytes after an error header' };
    return { ok: true, value: { kind: 'error', cameraId: header.cameraId, variant: header.variant, code: header.code, message: redactSecrets(header.message) } };
  }
  const dataAt = bodyAt + header.descriptionBytes;
  if (data.byteLength <= dataAt) return { ok: false, reason: 'truncated' };
  const description = header.descriptionBytes > 0 ? new Uint8Array(data.buffer, data.byteOffset + bodyAt, header.descriptionBytes) : undefined;
  if (description && !isAvccRecord(description)) {
    return { ok: false, reason: 'description: not an avcC record with 4-byte NAL lengths' };
  }
  const unit = new Uint8Array(data.buffer, data.byteOffset + dataAt, data.byteLength - dataAt);
  if (!isAvccUnit(unit)) return { ok: false, reason: 'not an access unit in AVCC layout after the header' };
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
