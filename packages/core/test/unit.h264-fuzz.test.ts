/**
 * Fuzz of the parsers that read the encoder process's bytes: on random bytes
 * and on mutated real streams, each one returns or throws its own typed
 * error (RangeError from the H.264 parsers, FlvError from the FLV reader),
 * never anything else, and never reads past its input (a read past the end
 * would be an undefined byte and a TypeError or NaN here, or the FLV queue's
 * own error, which is neither). Seeded, so a failure reproduces.
 */
import { describe, expect, it } from 'vitest';
import { accessUnits, FlvError, FlvVideoReader, parseAvcc, parseSps, splitAnnexB, splitAvcc } from '@servercam/core';
import { ffmpegBytes, h264Stream } from './helpers/h264.ts';
import { tempPath } from './helpers/media.ts';
import { writeFileSync } from 'node:fs';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const stream = h264Stream(160, 120, 20, 5);
const file = tempPath('fuzz-160x120.h264');
writeFileSync(file, stream);
const flv = ffmpegBytes(['-i', file, '-c', 'copy', '-f', 'flv']);

/** Random bytes, or a real input with a few bytes changed, cut or repeated. */
function inputs(real: Uint8Array, count: number, seed: number): Uint8Array[] {
  const next = random(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    if (kind === 0) {
      out.push(Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)));
      continue;
    }
    const bytes = real.slice(0, kind === 1 ? real.length : Math.floor(next() * real.length));
    for (let k = 0; k < 1 + Math.floor(next() * 8); k++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    out.push(bytes);
  }
  return out;
}

const expectOnly = (run: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): void => {
  try {
    run();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) throw error;
  }
};

describe('parser fuzz', () => {
  const nals = splitAnnexB(stream);
  const sps = nals.find((nal) => (nal[0]! & 0x1f) === 7)!;

  it('Annex B and access units: any bytes split without throwing, into views of the input', () => {
    for (const bytes of inputs(stream, 300, 1)) {
      const units = splitAnnexB(bytes);
      for (const unit of units) expect(unit.buffer).toBe(bytes.buffer);
      expect(accessUnits(units).flat()).toHaveLength(units.length);
    }
  });

  it('SPS: throws only RangeError, and any size it returns is in range', () => {
    for (const bytes of inputs(sps, 3000, 2)) {
      const unit = bytes.length > 0 ? Uint8Array.of(0x67, ...bytes.subarray(1)) : bytes;
      expectOnly(() => {
        const info = parseSps(unit);
        expect(info.width).toBeGreaterThan(0);
        expect(info.height).toBeLessThanOrEqual(16384);
        expect(info.codec).toMatch(/^avc1\.[0-9a-f]{6}$/);
      }, RangeError);
    }
  });

  it('avcC and AVCC: throw only RangeError', () => {
    const record = new FlvVideoReader().push(flv).find((tag) => tag.kind === 'config');
    const avcc = record?.kind === 'config' ? record.avcc : new Uint8Array();
    for (const bytes of inputs(avcc, 2000, 3)) expectOnly(() => parseAvcc(bytes), RangeError);
    for (const bytes of inputs(stream, 300, 4)) expectOnly(() => splitAvcc(bytes), RangeError);
  });

  it('FLV: the reader throws only FlvError, the tags\' parsers only RangeError, whatever the bytes and cuts', () => {
    const next = random(5);
    let tags = 0;
    for (const bytes of inputs(flv, 300, 6)) {
      const reader = new FlvVideoReader();
      expectOnly(() => {
        for (let at = 0; at < bytes.length;) {
          const size = 1 + Math.floor(next() * 4000);
          for (const tag of reader.push(bytes.subarray(at, at + size))) {
            tags++;
            expectOnly(() => (tag.kind === 'config' ? parseAvcc(tag.avcc) : splitAvcc(tag.data)), RangeError);
          }
          at += size;
        }
      }, FlvError);
    }
    expect(tags).toBeGreaterThan(0);
  });
});
