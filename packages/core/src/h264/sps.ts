/**
 * The sequence parameter set: the codec string (`avc1.PPCCLL`) and the
 * picture size. ITU-T H.264 7.3.2.1.1. Bounds-checked and linear in the
 * unit's length (every loop is capped); it parses bytes from a child process.
 * @module
 */
import { BitReader, unescapeRbsp } from './bits.ts';
import { NalType, nalType } from './annexb.ts';

export interface SpsInfo {
  readonly profileIdc: number;
  /** constraint_set0..5 flags and the reserved bits: the byte after profile_idc. */
  readonly constraintFlags: number;
  readonly levelIdc: number;
  /** `avc1.PPCCLL`, in lowercase hex. */
  readonly codec: string;
  /** The picture size after cropping. */
  readonly width: number;
  readonly height: number;
}

/** The profiles whose SPS carries chroma format, bit depths and scaling lists. */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

const hex = (value: number): string => value.toString(16).padStart(2, '0');

/** The codec string of a profile, constraint byte and level: `avc1.64001f`. */
export function codecString(profileIdc: number, constraintFlags: number, levelIdc: number): string {
  return `avc1.${hex(profileIdc)}${hex(constraintFlags)}${hex(levelIdc)}`;
}

function skipScalingList(reader: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + reader.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/**
 * Parses an SPS NAL unit (with its 1-byte header).
 * @throws {RangeError} for a unit that is not an SPS, is truncated or holds out-of-range values
 */
export function parseSps(nal: Uint8Array): SpsInfo {
  if (nalType(nal) !== NalType.Sps) throw new RangeError(`H.264: NAL type ${nalType(nal)} is not an SPS`);
  const r = new BitReader(unescapeRbsp(nal.subarray(1)));
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  if (r.ue() > 31) throw new RangeError('H.264: seq_parameter_set_id out of range');
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) throw new RangeError('H.264: chroma_format_idc out of range');
    if (chromaFormatIdc === 3) separateColourPlane = r.bit();
    if (r.ue() > 6 || r.ue() > 6) throw new RangeError('H.264: bit depth out of range');
    r.bit(); // qpprime_y_zero_transform_bypass_flag
    if (r.bit() === 1) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) if (r.bit() === 1) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  if (r.ue() > 12) throw new RangeError('H.264: log2_max_frame_num out of range');
  const pocType = r.ue();
  if (pocType === 0) {
    if (r.ue() > 12) throw new RangeError('H.264: log2_max_pic_order_cnt_lsb out of range');
  } else if (pocType === 1) {
    r.bit();
    r.se();
    r.se();
    const cycle = r.ue();
    if (cycle > 255) throw new RangeError('H.264: num_ref_frames_in_pic_order_cnt_cycle out of range');
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) {
    throw new RangeError('H.264: pic_order_cnt_type out of range');
  }
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.bit();
  if (frameMbsOnly === 0) r.bit(); // mb_adaptive_frame_field_flag
  r.bit(); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.bit() === 1) crop = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };
  const chromaArray = separateColourPlane === 1 ? 0 : chromaFormatIdc;
  const subWidthC = chromaArray === 1 || chromaArray === 2 ? 2 : 1;
  const subHeightC = chromaArray === 1 ? 2 : 1;
  const cropUnitX = chromaArray === 0 ? 1 : subWidthC;
  const cropUnitY = (chromaArray === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropUnitX * (crop.left + crop.right);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropUnitY * (crop.top + crop.bottom);
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384) throw new RangeError(`H.264: picture size ${width}x${height} out of range`);
  return { profileIdc, constraintFlags, levelIdc, codec: codecString(profileIdc, constraintFlags, levelIdc), width, height };
}
