/**
 * H.264 over Redis, the wire format (bus/redis-video-protocol.ts): real access
 * units (libx264 through ffmpeg) survive the trip byte for byte, and hostile
 * messages, named and fuzzed, are refused with a reason, never thrown.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeVideo, encodeVideoChunk, encodeVideoError } from '../src/bus/redis-video-protocol.ts';
import type { VideoChunk } from '@servercam/core';
import { chunksOf, makeH264 } from './helpers/h264.ts';

const channel = { cameraId: 'cam', variant: 'full' };
let chunks: VideoChunk[];

beforeAll(async () => {
  chunks = await chunksOf(makeH264(160, 120, 1, 15));
});

/** A video message: "SCV", version, header length (u16 BE), header, body. */
function scv(header: Record<string, unknown> | string, body: Uint8Array = new Uint8Array(0), options: { version?: number; length?: number } = {}): Buffer {
  const head = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const prefix = Buffer.from([0x53, 0x43, 0x56, options.version ?? 1, 0, 0]);
  prefix.writeUInt16BE(options.length ?? head.byteLength, 4);
  return Buffer.concat([prefix, head, body]);
}

const header = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'chunk', cameraId: 'cam', stream: 's', n: 1, seq: 1, capturedAt: 1, keyframe: false, codec: 'avc1.42E01E', width: 160, height: 120, variant: 'full', descriptionBytes: 0, ...overrides,
});
const UNIT = Uint8Array.of(0, 0, 0, 2, 0x41, 0x9a);

describe('video chunks over Redis', () => {
  it('a keyframe and a delta frame cross byte for byte', () => {
    for (const chunk of [chunks[0]!, chunks[1]!]) {
      const decoded = decodeVideo(encodeVideoChunk(chunk, { stream: 'reader-1', n: chunk.seq }), channel);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok || decoded.value.kind !== 'chunk') throw new Error('not a chunk');
      expect(decoded.value.position).toEqual({ stream: 'reader-1', n: chunk.seq });
      const { data, description, ...rest } = decoded.value.chunk;
      const { data: sentData, description: sentDescription, ...sent } = chunk;
      expect(rest).toEqual(sent);
      expect(Buffer.from(data).equals(Buffer.from(sentData))).toBe(true);
      expect(description && Buffer.from(description).toString('hex')).toBe(sentDescription && Buffer.from(sentDescription).toString('hex'));
    }
    expect(chunks[0]!.description).toBeDefined();
  });

  it('an encoder failure crosses with its code, its message redacted', () => {
    const decoded = decodeVideo(encodeVideoError({ cameraId: 'cam', variant: 'full', code: 'MEDIA_TOOL_UNAVAILABLE', message: 'no ffmpeg for rtsp://u:secret@cam/1' }), channel);
    expect(decoded).toEqual({ ok: true, value: { kind: 'error', cameraId: 'cam', variant: 'full', code: 'MEDIA_TOOL_UNAVAILABLE', message: expect.not.stringContaining('secret') } });
  });

  /** A hostile message, and what its refusal's reason says. */
  const bad: Array<[string, Buffer, string]> = [
    ['a null header', scv('null', UNIT), 'header: (message): expected Object'],
    ['a header that is not JSON', scv('{"kind":', UNIT), 'header: not JSON'],
    ['an unknown kind', scv(header({ kind: 'frame' }), UNIT), 'header: kind: expected'],
    ['a reader id that would name another channel', scv(header({ stream: 'x:state' }), UNIT), 'header: stream: expected'],
    ['a negative message number', scv(header({ n: -1 }), UNIT), 'header: n: expected >=0'],
    ['a codec that is not avc1.PPCCLL', scv(header({ codec: 'avc1.42E01E"><script>' }), UNIT), 'header: codec: expected'],
    ['another camera than its channel\'s', scv(header({ cameraId: 'other' }), UNIT), 'header: camera or variant other than its channel\'s'],
    ['another variant than its channel\'s', scv(header({ variant: 'w320' }), UNIT), 'header: camera or variant other than its channel\'s'],
    ['a description longer than the message', scv(header({ descriptionBytes: 1000 }), UNIT), 'truncated'],
    ['a description over 64 KiB', scv(header({ descriptionBytes: 70_000 }), UNIT), 'header: descriptionBytes: expected <=65536'],
    ['a description that is not avcC', scv(header({ descriptionBytes: 8 }), Buffer.concat([Buffer.alloc(8, 7), UNIT])), 'description: not an avcC record'],
    ['NAL lengths running past the end', scv(header(), Uint8Array.of(0, 0, 0, 9, 0x41, 0x9a)), 'not an access unit in AVCC layout'],
    ['a zero NAL length', scv(header(), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 0x41)), 'not an access unit in AVCC layout'],
    ['Annex-B start codes instead of lengths', scv(header(), Uint8Array.of(0, 0, 0, 1, 0x65, 0x88, 0x84)), 'not an access unit in AVCC layout'],
    ['no access unit', scv(header()), 'truncated'],
    ['bytes after an error', scv({ kind: 'error', cameraId: 'cam', variant: 'full', code: 'X', message: 'm' }, UNIT), 'bytes after an error header'],
    ['an error code in lower case', scv({ kind: 'error', cameraId: 'cam', variant: 'full', code: 'evil code', message: 'm' }), 'header: code: expected'],
    ['a header over 1 KiB', scv(' '.repeat(2000) + JSON.stringify(header()), UNIT), 'header too large (2177 bytes, at most 1024)'],
    ['a header length past the end', scv(header(), UNIT, { length: 500 }), 'truncated'],
    ['another format version', scv(header(), UNIT, { version: 2 }), 'video format version 2'],
    ['a JPEG frame message', Buffer.concat([Buffer.from('SCF\x01\x00\x02{}', 'latin1'), Buffer.from([0xff, 0xd8])]), 'not a video message (no SCV magic)'],
    ['an empty message', Buffer.alloc(0), 'not a video message (no SCV magic)'],
  ];
  it.each(bad)('refuses %s with a reason', (_name, message, reason) => {
    expect(decodeVideo(message, channel)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('never throws on random bytes or on real messages with bytes changed, and what it accepts is well formed', () => {
    const real = [encodeVideoChunk(chunks[0]!, { stream: 's', n: 0 }), encodeVideoChunk(chunks[1]!, { stream: 's', n: 1 })];
    const mutated = fc
      .tuple(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }))
      .map(([message, edits]) => {
        const copy = Buffer.from(message);
        for (const [at, byte] of edits) copy[at % copy.byteLength] = byte;
        return copy;
      });
    const truncated = fc.tuple(fc.constantFrom(...real), fc.nat()).map(([message, cut]) => message.subarray(0, cut % message.byteLength));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes)), mutated, truncated), (message) => {
        const decoded = decodeVideo(message, channel);
        if (!decoded.ok || decoded.value.kind !== 'chunk') return;
        const { chunk } = decoded.value;
        expect(chunk.codec).toMatch(/^avc1\.[0-9A-Fa-f]{6}$/);
        expect(chunk.data.byteLength).toBeGreaterThan(4);
        expect(chunk.cameraId).toBe('cam');
      }),
      { numRuns: 3000 },
    );
  });
});
