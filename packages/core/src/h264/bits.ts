/**
 * A bounds-checked bit reader over an RBSP (emulation-prevention bytes
 * removed), for the SPS.
 * @module
 */

/** The RBSP of a NAL unit's payload: every `00 00 03` becomes `00 00`. Linear. */
export function unescapeRbsp(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  let zeros = 0;
  let n = 0;
  for (const byte of bytes) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

export class BitReader {
  readonly #bytes: Uint8Array;
  #bit = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** One bit. @throws {RangeError} past the end */
  bit(): number {
    const at = this.#bit;
    if (at >= this.#bytes.length * 8) throw new RangeError('H.264: read past the end of the parameter set');
    this.#bit = at + 1;
    return (this.#bytes[at >> 3]! >> (7 - (at & 7))) & 1;
  }

  /** `count` bits (≤ 32) as an unsigned number. */
  bits(count: number): number {
    let value = 0;
    for (let k = 0; k < count; k++) value = value * 2 + this.bit();
    return value;
  }

  /** An Exp-Golomb ue(v); at most 32 leading zeros. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 32) throw new RangeError('H.264: an Exp-Golomb code longer than 32 bits');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** An Exp-Golomb se(v). */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}
