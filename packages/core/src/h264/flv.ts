/**
 * Reads the video tags of an FLV byte stream as it arrives: what the encoder
 * process (ffmpeg `-f flv`) writes on stdout. FLV frames each packet with its
 * length, so an access unit is complete the moment its tag is, where an Annex-B
 * stream only ends a picture when the next one begins (a frame of latency).
 * The muxer gives the `avcC` record (AVC sequence header) and AVCC-layout
 * access units, exactly what `VideoChunk` carries. Linear and bounds-checked:
 * each byte is copied at most once, and every length is checked.
 * @module
 */

export type FlvVideoTag =
  /** The AVC sequence header: an avcC record. */
  | { readonly kind: 'config'; readonly avcc: Uint8Array }
  /** One access unit in AVCC layout; `keyframe` as the tag says. */
  | { readonly kind: 'picture'; readonly keyframe: boolean; readonly data: Uint8Array };

const HEADER_BYTES = 9;
const TAG_HEADER_BYTES = 11;
const TAG_VIDEO = 9;
const CODEC_AVC = 7;

/** An error in the FLV stream: the encoder's output cannot be trusted any more. */
export class FlvError extends Error {
  override readonly name = 'FlvError';
}

/**
 * A read past the end of the queue: a bug of the reader, never of the stream
 * (so neither an FlvError nor a RangeError, which the parsers throw).
 */
class QueueOverrun extends Error {
  override readonly name = 'QueueOverrun';
}

/** A queue of byte chunks, read without copying until a whole item is there. */
class ByteQueue {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** The first `n` bytes (n ≤ length), consumed: a view of one chunk, or one copy across chunks. */
  take(n: number): Uint8Array {
    if (n > this.#length) throw new QueueOverrun(`FLV reader: took ${n} bytes of ${this.#length}`);
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#length -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const chunk = this.#chunks[0]!;
      const part = Math.min(chunk.length, n - at);
      out.set(chunk.subarray(0, part), at);
      at += part;
      if (part === chunk.length) this.#chunks.shift();
      else this.#chunks[0] = chunk.subarray(part);
    }
    this.#length -= n;
    return out;
  }

  /** Byte `i` from the front (i < length). */
  at(i: number): number {
    let k = i;
    for (const chunk of this.#chunks) {
      if (k < chunk.length) return chunk[k]!;
      k -= chunk.length;
    }
    throw new QueueOverrun(`FLV reader: byte ${i} of ${this.#length}`);
  }
}

/**
 * Incremental FLV reader. `push` each chunk of the stream; it returns the
 * video tags completed by it, AVC ones only (script and audio tags skipped).
 * @throws {FlvError} when the stream is not FLV or is malformed
 */
export class FlvVideoReader {
  readonly #queue = new ByteQueue();
  #headerRead = false;

  push(chunk: Uint8Array): FlvVideoTag[] {
    this.#queue.push(chunk);
    const tags: FlvVideoTag[] = [];
    const q = this.#queue;
    if (!this.#headerRead) {
      if (q.length < HEADER_BYTES + 4) return tags;
      const header = q.take(HEADER_BYTES);
      if (header[0] !== 0x46 || header[1] !== 0x4c || header[2] !== 0x56) throw new FlvError('the encoder output is not FLV');
      const offset = ((header[5]! << 24) >>> 0) + (header[6]! << 16) + (header[7]! << 8) + header[8]!;
      if (offset !== HEADER_BYTES) throw new FlvError(`unexpected FLV header size ${offset}`);
      q.take(4); // PreviousTagSize0
      this.#headerRead = true;
    }
    while (q.length >= TAG_HEADER_BYTES) {
      const type = q.at(0) & 0x1f;
      const size = (q.at(1) << 16) | (q.at(2) << 8) | q.at(3);
      if (q.length < TAG_HEADER_BYTES + size + 4) break;
      q.take(TAG_HEADER_BYTES);
      const body = q.take(size);
      q.take(4); // PreviousTagSize
      if (type !== TAG_VIDEO) continue;
      const tag = videoTag(body);
      if (tag) tags.push(tag);
    }
    return tags;
  }
}

function videoTag(body: Uint8Array): FlvVideoTag | undefined {
  if (body.length < 5) throw new FlvError('a truncated FLV video tag');
  const frameType = body[0]! >> 4;
  if ((body[0]! & 0x0f) !== CODEC_AVC) throw new FlvError(`FLV video codec ${body[0]! & 0x0f} is not AVC`);
  const packetType = body[1]!;
  const payload = body.subarray(5);
  if (packetType === 0) return { kind: 'config', avcc: payload };
  if (packetType === 1) return payload.length > 0 ? { kind: 'picture', keyframe: frameType === 1, data: payload } : undefined;
  return undefined; // 2: end of sequence
}
