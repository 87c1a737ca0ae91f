/**
 * H.264 byte-stream layouts. Annex B (start codes `00 00 01` / `00 00 00 01`
 * before each NAL unit: .h264 files, ffmpeg's `-f h264`) and AVCC (each NAL
 * unit preceded by its big-endian length: MP4 samples, WebCodecs with a
 * description). Every function is one linear pass over its input, with every
 * read bounds-checked: they parse bytes from a child process.
 * @module
 */
import { BitReader, unescapeRbsp } from './bits.ts';

/** The NAL unit types this project looks at (ITU-T H.264 table 7-1). */
export const NalType = {
  Slice: 1,
  Idr: 5,
  Sei: 6,
  Sps: 7,
  Pps: 8,
  Aud: 9,
} as const;

/** The `nal_unit_type` of a NAL unit (its first byte's low 5 bits); -1 for an empty one. */
export function nalType(nal: Uint8Array): number {
  return nal.length > 0 ? nal[0]! & 0x1f : -1;
}

/**
 * Splits an Annex-B byte stream into its NAL units (views into `bytes`, start
 * codes removed, trailing zero bytes of a unit dropped). Bytes before the first
 * start code are ignored. Linear: each byte is looked at a bounded number of times.
 */
export function splitAnnexB(bytes: Uint8Array): Uint8Array[] {
  const units: Uint8Array[] = [];
  let start = -1;
  let i = 0;
  const n = bytes.length;
  while (i + 2 < n) {
    if (bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 1) {
      if (start >= 0) units.push(trimZeros(bytes, start, i));
      i += 3;
      start = i;
      continue;
    }
    i++;
  }
  if (start >= 0 && start < n) units.push(trimZeros(bytes, start, n));
  return units.filter((unit) => unit.length > 0);
}

/** `bytes[start, end)` without the zero bytes at its end (a 4-byte start code's leading 0, or trailing_zero_8bits). */
function trimZeros(bytes: Uint8Array, start: number, end: number): Uint8Array {
  let e = end;
  while (e > start && bytes[e - 1] === 0) e--;
  return bytes.subarray(start, e);
}

/**
 * Reads `first_mb_in_slice` (the slice header's first ue(v)) of a slice NAL
 * unit; undefined when the unit is too short. Only the first bytes are read.
 */
export function firstMbInSlice(nal: Uint8Array): number | undefined {
  // ue(v) over at most 8 bytes after the header: enough for any picture up to 8K.
  try {
    return new BitReader(unescapeRbsp(nal.subarray(1, 9))).ue();
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function isVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

/**
 * Groups NAL units into access units (pictures), by H.264 7.4.1.2.3: an AUD,
 * SPS, PPS or SEI after a picture's slices, or a slice with
 * `first_mb_in_slice` 0 after them, begins the next access unit.
 */
export function accessUnits(nals: readonly Uint8Array[]): Uint8Array[][] {
  const units: Uint8Array[][] = [];
  let current: Uint8Array[] = [];
  let seenVcl = false;
  for (const nal of nals) {
    const type = nalType(nal);
    const startsNew = seenVcl &&
      (type === NalType.Aud || type === NalType.Sps || type === NalType.Pps || type === NalType.Sei ||
        (type >= 14 && type <= 18) || (isVcl(type) && firstMbInSlice(nal) === 0));
    if (startsNew) {
      units.push(current);
      current = [];
      seenVcl = false;
    }
    current.push(nal);
    if (isVcl(type)) seenVcl = true;
  }
  if (current.length > 0) units.push(current);
  return units;
}

/** Whether an access unit (its NAL units) holds an IDR picture. */
export function isKeyframe(nals: readonly Uint8Array[]): boolean {
  return nals.some((nal) => nalType(nal) === NalType.Idr);
}

/** NAL units in AVCC layout: each preceded by its length as 4 bytes, big-endian. */
export function toAvcc(nals: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nal of nals) size += 4 + nal.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const nal of nals) {
    view.setUint32(at, nal.length);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

/**
 * The NAL units of AVCC-layout bytes (`lengthSize` 1, 2 or 4 bytes per length,
 * 4 by default), as views into `bytes`.
 * @throws {RangeError} when a length runs past the end
 */
export function splitAvcc(bytes: Uint8Array, lengthSize: 1 | 2 | 4 = 4): Uint8Array[] {
  const units: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + lengthSize > bytes.length) throw new RangeError(`AVCC: a truncated NAL length at byte ${at}`);
    let length = 0;
    for (let k = 0; k < lengthSize; k++) length = length * 256 + bytes[at + k]!;
    at += lengthSize;
    if (length > bytes.length - at) throw new RangeError(`AVCC: a NAL unit of ${length} bytes runs past the end at byte ${at}`);
    units.push(bytes.subarray(at, at + length));
    at += length;
  }
  return units;
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);

/** NAL units in Annex-B layout, each after a 4-byte start code. */
export function toAnnexB(nals: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nal of nals) size += 4 + nal.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of nals) {
    out.set(START_CODE, at);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

/**
 * One AVCC access unit as Annex B, for a .h264 file or a decoder that takes a
 * byte stream. With `parameterSets` (the SPS and PPS of the avcC description:
 * `parseAvcc`), they go first, as a keyframe needs them in a byte stream.
 * @throws {RangeError} for malformed AVCC
 */
export function avccToAnnexB(data: Uint8Array, parameterSets: readonly Uint8Array[] = [], lengthSize: 1 | 2 | 4 = 4): Uint8Array {
  return toAnnexB([...parameterSets, ...splitAvcc(data, lengthSize)]);
}
