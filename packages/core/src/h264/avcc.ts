/**
 * The `avcC` record (AVCDecoderConfigurationRecord, ISO/IEC 14496-15
 * 5.3.3.1): the description a WebCodecs decoder and an MP4 sample entry take.
 * @module
 */
import { NalType, nalType } from './annexb.ts';

export interface AvccRecord {
  readonly profileIdc: number;
  readonly constraintFlags: number;
  readonly levelIdc: number;
  /** Bytes per NAL length in the samples: 1, 2 or 4. */
  readonly lengthSize: 1 | 2 | 4;
  readonly sps: Uint8Array[];
  readonly pps: Uint8Array[];
}

/**
 * Builds an avcC record from SPS and PPS NAL units (with their headers), with
 * 4-byte NAL lengths. Profile, constraints and level come from the first SPS.
 * @throws {RangeError} without an SPS and a PPS, or with units too long for the record
 */
export function buildAvcc(sps: readonly Uint8Array[], pps: readonly Uint8Array[]): Uint8Array {
  const first = sps[0];
  if (!first || first.length < 4 || nalType(first) !== NalType.Sps) throw new RangeError('avcC: needs an SPS');
  if (pps.length === 0 || pps.some((unit) => nalType(unit) !== NalType.Pps)) throw new RangeError('avcC: needs a PPS');
  if (sps.length > 31 || pps.length > 255) throw new RangeError('avcC: too many parameter sets');
  const all = [...sps, ...pps];
  if (all.some((unit) => unit.length > 0xffff)) throw new RangeError('avcC: a parameter set longer than 65535 bytes');
  const out = new Uint8Array(7 + all.reduce((size, unit) => size + 2 + unit.length, 0));
  out.set([1, first[1]!, first[2]!, first[3]!, 0xff, 0xe0 | sps.length]);
  let at = 6;
  const put = (unit: Uint8Array): void => {
    out[at] = unit.length >> 8;
    out[at + 1] = unit.length & 0xff;
    out.set(unit, at + 2);
    at += 2 + unit.length;
  };
  for (const unit of sps) put(unit);
  out[at++] = pps.length;
  for (const unit of pps) put(unit);
  // High profiles may carry chroma format and bit depth after the PPS; decoders take the record without them.
  return out.subarray(0, at);
}

/**
 * Reads an avcC record. Extensions after the PPS list are ignored.
 * @throws {RangeError} for a malformed or truncated record
 */
export function parseAvcc(record: Uint8Array): AvccRecord {
  if (record.length < 7 || record[0] !== 1) throw new RangeError('avcC: not a version 1 record');
  const lengthSize = (record[4]! & 0x03) + 1;
  if (lengthSize === 3) throw new RangeError('avcC: a 3-byte NAL length is not allowed');
  let at = 5;
  const units = (count: number): Uint8Array[] => {
    const list: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      if (at + 2 > record.length) throw new RangeError('avcC: truncated');
      const length = (record[at]! << 8) | record[at + 1]!;
      at += 2;
      if (length > record.length - at) throw new RangeError('avcC: a parameter set runs past the end');
      list.push(record.subarray(at, at + length));
      at += length;
    }
    return list;
  };
  const sps = units(record[at++]! & 0x1f);
  if (at >= record.length) throw new RangeError('avcC: truncated');
  const pps = units(record[at++]!);
  return {
    profileIdc: record[1]!,
    constraintFlags: record[2]!,
    levelIdc: record[3]!,
    lengthSize: lengthSize as 1 | 2 | 4,
    sps,
    pps,
  };
}
