/**
 * The frame path's serializations, each made once per frame (so once per
 * variant, since consumers of a variant share one Frame object) and cached in
 * a WeakMap that lets them go with the frame:
 * - the GraphQL `Frame` object, with its base64 `data`, shared by every
 *   subscriber over graphql-ws and SSE;
 * - the MJPEG part (boundary, part headers, JPEG bytes), one buffer written as
 *   is to every MJPEG socket;
 * - the GraphQL `VideoChunk` of an H.264 access unit, with its base64 `data`
 *   and `description`, shared by every `video` subscriber.
 *
 * Each app has its own {@link FrameSerializer}, so its counts are its own.
 * @module
 */
import { Buffer } from 'node:buffer';
import type { Frame } from '@servercam/core';
import type { Frame as GraphQLFrame, VideoChunk as GraphQLVideoChunk } from '@servercam/schema';
import type { VideoChunk } from '@servercam/core';

/** The multipart boundary of the MJPEG streams. */
export const MJPEG_BOUNDARY = 'servercam-frame';

/** Serializations made, per kind: once per frame and variant, not per subscriber. */
export interface SerializationCounts {
  readonly graphqlFrames: number;
  readonly mjpegParts: number;
  readonly graphqlVideoChunks: number;
}

/** Every serializer's counts together (the process's). */
const processCounts = { graphqlFrames: 0, mjpegParts: 0, graphqlVideoChunks: 0 };

/** An epoch-milliseconds time as an ISO 8601 string (the `DateTime` scalar's form). */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * One app's serializations, cached per frame, and their counts: each app has
 * its own, so `app.stats()` reports only what that app made.
 */
export class FrameSerializer {
  readonly #graphqlFrames = new WeakMap<Frame, GraphQLFrame>();
  readonly #mjpegParts = new WeakMap<Frame, Uint8Array>();
  readonly #graphqlVideoChunks = new WeakMap<VideoChunk, GraphQLVideoChunk>();
  readonly #counts = { graphqlFrames: 0, mjpegParts: 0, graphqlVideoChunks: 0 };

  /** The GraphQL form of a frame; base64 is computed once per frame, whatever the number of subscribers. */
  toGraphQLFrame(frame: Frame): GraphQLFrame {
    let serialized = this.#graphqlFrames.get(frame);
    if (!serialized) {
      this.#counts.graphqlFrames++;
      processCounts.graphqlFrames++;
      serialized = Object.freeze({
        cameraId: frame.cameraId,
        seq: frame.seq,
        capturedAt: isoTime(frame.capturedAt),
        width: frame.width,
        height: frame.height,
        mimeType: frame.mimeType,
        data: base64(frame.data),
      });
      this.#graphqlFrames.set(frame, serialized);
    }
    return serialized;
  }

  /** One MJPEG part (boundary, headers, image, CRLF) as a single buffer, made once per frame. */
  mjpegPart(frame: Frame): Uint8Array {
    let part = this.#mjpegParts.get(frame);
    if (!part) {
      this.#counts.mjpegParts++;
      processCounts.mjpegParts++;
      const head = Buffer.from(
        `--${MJPEG_BOUNDARY}\r\n` +
          `Content-Type: ${frame.mimeType}\r\n` +
          `Content-Length: ${frame.data.byteLength}\r\n` +
          `X-Frame-Seq: ${frame.seq}\r\n` +
          `X-Captured-At: ${isoTime(frame.capturedAt)}\r\n\r\n`,
        'latin1',
      );
      part = new Uint8Array(head.byteLength + frame.data.byteLength + 2);
      part.set(head, 0);
      part.set(frame.data, head.byteLength);
      part.set([0x0d, 0x0a], head.byteLength + frame.data.byteLength);
      this.#mjpegParts.set(frame, part);
    }
    return part;
  }

  /** The GraphQL form of a video chunk; base64 is computed once per chunk, whatever the number of subscribers. */
  toGraphQLVideoChunk(chunk: VideoChunk): GraphQLVideoChunk {
    let serialized = this.#graphqlVideoChunks.get(chunk);
    if (!serialized) {
      this.#counts.graphqlVideoChunks++;
      processCounts.graphqlVideoChunks++;
      serialized = Object.freeze({
        cameraId: chunk.cameraId,
        seq: chunk.seq,
        capturedAt: isoTime(chunk.capturedAt),
        keyframe: chunk.keyframe,
        codec: chunk.codec,
        description: chunk.description ? base64(chunk.description) : null,
        width: chunk.width,
        height: chunk.height,
        data: base64(chunk.data),
      });
      this.#graphqlVideoChunks.set(chunk, serialized);
    }
    return serialized;
  }

  /** How many serializations this serializer (its app) has made, by kind. */
  counts(): SerializationCounts {
    return { ...this.#counts };
  }
}

const shared = new FrameSerializer();

/** The GraphQL form of a frame, outside any app (an app uses its own {@link FrameSerializer}). */
export function toGraphQLFrame(frame: Frame): GraphQLFrame {
  return shared.toGraphQLFrame(frame);
}

/**
 * How many serializations every app of this process has made together, by
 * kind; `app.stats().serializations` has one app's.
 */
export function serializationCounts(): SerializationCounts {
  return { ...processCounts };
}
