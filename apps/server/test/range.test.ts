/**
 * `parseRange` (events/routes.ts), the linear parser of `Range` that replaced
 * a backtracking regex: its answers, and its agreement with that regex on
 * short inputs (where the regex is quick).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ByteRange, parseRange } from '../src/events/routes.ts';

const SIZE = 1000;

/** The former parser (ReDoS: only ever run here on short inputs), with the one deliberate change applied. */
function formerParseRange(header: string | null, size: number): ByteRange {
  if (header === null) return undefined;
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    // The change: a first-pos past the end with a larger last-pos is 416 now (it was ignored, 200).
    if (match[2] !== '' && Number(match[2]) < start) return undefined;
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

describe('parseRange', () => {
  it.each([
    ['bytes=100-199', { start: 100, end: 199 }],
    ['bytes=-50', { start: 950, end: 999 }],
    ['bytes=990-', { start: 990, end: 999 }],
    ['bytes=0-99999', { start: 0, end: 999 }],
    ['bytes=0-9, 20-29', { start: 0, end: 9 }],
    [' bytes= 1 - 2 ', { start: 1, end: 2 }],
    ['bytes=-5000', { start: 0, end: 999 }],
  ] as const)('%s gives a range', (header, range) => {
    expect(parseRange(header, SIZE)).toEqual(range);
  });

  it.each(['bytes=1000-', 'bytes=-0', 'bytes=1000-2000'])('%s is unsatisfiable (416)', (header) => {
    expect(parseRange(header, SIZE)).toBe('unsatisfiable');
  });

  it.each(['bytes=5-2', 'items=0-1', 'bytes=a-b', 'bytes=', 'bytes=-', 'bytes=1', 'bytes=0x1-2', 'bytes=1-2x'])('%s is ignored (the whole file)', (header) => {
    expect(parseRange(header, SIZE)).toBeUndefined();
  });

  it('any range of an empty file is unsatisfiable', () => {
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
  });

  it('agrees with the former regex parser on short inputs', () => {
    const piece = fc.constantFrom('bytes=', 'bytes', '=', '-', ',', ' ', '\t', '0', '1', '5', '9', '10', '999', '1000', '5000', 'x', 'items=');
    fc.assert(
      fc.property(fc.tuple(fc.constantFrom('bytes=', ' bytes=', ''), fc.array(piece, { maxLength: 10 })).map(([prefix, pieces]) => prefix + pieces.join('')), fc.integer({ min: 0, max: 6000 }), (header, size) => {
        expect(parseRange(header, size)).toEqual(formerParseRange(header, size));
      }),
      { numRuns: 3000 },
    );
  });
});
