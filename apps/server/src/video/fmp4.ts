/**
 * Live fragmented MP4 of a camera's H.264 chunks, muxed by mediabunny (a kept,
 * pure-TypeScript muxer): `ftyp` at once, then the `moov` (the init segment)
 * with the first fragment, then one `moof`+`mdat` fragment per GOP. mediabunny
 * starts a fragment only at a keyframe, so a fragment is written when the next
 * keyframe arrives: a player sees the picture about one GOP (2 s) late.
 *
 * Timestamps are the chunks' capture times, from 0 at the first keyframe, so a
 * stretch the client skipped (it fell behind and resumed at a keyframe) plays as
 * a held frame, not faster.
 * @module
 */
import { EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output, StreamTarget } from 'mediabunny';
import type { VideoChunk } from '@servercam/core';

/** What {@link Fmp4Stream.add} did with a chunk. */
export type AddResult =
  /** Muxed. */
  | 'added'
  /** Passed over: no keyframe with a decoder configuration yet. */
  | 'waiting'
  /** A keyframe with another codec, size or `avcC` than the track's: one MP4 track cannot take it; the caller ends the stream. */
  | 'reconfigured';

/** The frame duration assumed for a stream's first frame (s). */
const FIRST_DURATION_S = 1 / 30;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One client's MP4: chunks in, MP4 bytes out through `write`, in file order. */
export class Fmp4Stream {
  readonly #write: (bytes: Uint8Array) => void;
  readonly #output: Output;
  readonly #source = new EncodedVideoPacketSource('avc');
  readonly #started: Promise<void>;
  #config: { readonly codec: string; readonly description: Uint8Array; readonly width: number; readonly height: number } | undefined;
  #origin = 0;
  #lastTimestamp = -1;
  #lastDuration = FIRST_DURATION_S;
  #bytes = 0;

  constructor(write: (bytes: Uint8Array) => void) {
    this.#write = write;
    const target = new StreamTarget(
      new WritableStream({
        write: (chunk) => {
          // Fragmented MP4 is written in order (mediabunny: "monotonically"); a seek would mean a bug here.
          if (chunk.position !== this.#bytes) throw new Error(`mediabunny wrote at ${chunk.position}, expected ${this.#bytes}`);
          this.#bytes += chunk.data.byteLength;
          this.#write(chunk.data);
        },
      }),
    );
    this.#output = new Output({ format: new Mp4OutputFormat({ fastStart: 'fragmented', minimumFragmentDuration: 0 }), target });
    this.#output.addVideoTrack(this.#source);
    this.#started = this.#output.start();
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Muxes a chunk (in decode order); resolves when mediabunny has taken it. */
  async add(chunk: VideoChunk): Promise<AddResult> {
    await this.#started;
    const config = this.#config;
    if (!config) {
      if (!chunk.keyframe || !chunk.description) return 'waiting';
      this.#config = { codec: chunk.codec, description: chunk.description, width: chunk.width, height: chunk.height };
      this.#origin = chunk.capturedAt;
      await this.#source.add(this.#packet(chunk), {
        decoderConfig: { codec: chunk.codec, description: chunk.description, codedWidth: chunk.width, codedHeight: chunk.height },
      });
      return 'added';
    }
    if (
      chunk.keyframe &&
      (chunk.codec !== config.codec || chunk.width !== config.width || chunk.height !== config.height ||
        (chunk.description !== undefined && !sameBytes(chunk.description, config.description)))
    ) {
      return 'reconfigured';
    }
    await this.#source.add(this.#packet(chunk));
    return 'added';
  }

  /** Writes what is buffered (the last fragment) and ends the file. */
  async finish(): Promise<void> {
    await this.#started;
    if (this.#config) await this.#output.finalize();
    else await this.#output.cancel();
  }

  /** Drops the file unwritten (the client has gone). */
  async cancel(): Promise<void> {
    await this.#started.catch(() => {});
    await this.#output.cancel();
  }

  #packet(chunk: VideoChunk): EncodedPacket {
    let timestamp = Math.max(0, (chunk.capturedAt - this.#origin) / 1000);
    // Strictly increasing, whatever the clock did.
    if (timestamp <= this.#lastTimestamp) timestamp = this.#lastTimestamp + 0.001;
    if (this.#lastTimestamp >= 0) this.#lastDuration = Math.min(1, timestamp - this.#lastTimestamp);
    this.#lastTimestamp = timestamp;
    return new EncodedPacket(chunk.data, chunk.keyframe ? 'key' : 'delta', timestamp, this.#lastDuration);
  }
}
