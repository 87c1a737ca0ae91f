/**
 * A small MJPEG-in-AVI (RIFF) writer: the clip format when ffmpeg is not
 * installed. JPEG frames go in as they are; the headers, frame count and
 * index are written on `finish()`. Any player that reads AVI (VLC, ffmpeg,
 * mpv) plays it; browsers do not, so the UI offers it as a download.
 *
 * Layout: `RIFF('AVI ' LIST('hdrl' avih LIST('strl' strh strf)) LIST('movi' 00dc…) idx1)`.
 * @module
 */
import { type FileHandle, open } from 'node:fs/promises';

const HEADER_BYTES = 12 + 12 + 8 + 56 + 12 + 8 + 56 + 8 + 40 + 12; // through the 'movi' fourcc
const AVIF_HASINDEX = 0x10;
const AVIIF_KEYFRAME = 0x10;

function fourcc(view: DataView, at: number, text: string): void {
  for (let i = 0; i < 4; i++) view.setUint8(at + i, text.charCodeAt(i));
}

export interface AviOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

export class AviWriter {
  readonly #file: FileHandle;
  readonly #options: AviOptions;
  /** [offset from the 'movi' fourcc, size] per frame. */
  readonly #index: Array<[number, number]> = [];
  #position = HEADER_BYTES;
  #maxFrame = 0;

  private constructor(file: FileHandle, options: AviOptions) {
    this.#file = file;
    this.#options = options;
  }

  /** Creates the file (failing as the file system does: EACCES, ENOSPC…). */
  static async create(path: string, options: AviOptions): Promise<AviWriter> {
    const file = await open(path, 'w');
    const writer = new AviWriter(file, options);
    try {
      await file.write(writer.#headers(0, 0), 0, HEADER_BYTES, 0);
    } catch (error) {
      await file.close();
      throw error;
    }
    return writer;
  }

  get frames(): number {
    return this.#index.length;
  }

  /** Appends one JPEG frame. Calls must not overlap (await each). */
  async write(jpeg: Uint8Array): Promise<void> {
    const padded = jpeg.byteLength + (jpeg.byteLength % 2);
    const chunk = new Uint8Array(8 + padded);
    const view = new DataView(chunk.buffer);
    fourcc(view, 0, '00dc');
    view.setUint32(4, jpeg.byteLength, true);
    chunk.set(jpeg, 8);
    await this.#file.write(chunk, 0, chunk.byteLength, this.#position);
    this.#index.push([this.#position - (HEADER_BYTES - 4), jpeg.byteLength]);
    this.#position += chunk.byteLength;
    this.#maxFrame = Math.max(this.#maxFrame, jpeg.byteLength);
  }

  /** Writes the index and the final headers, and closes the file. Returns its size in bytes. */
  async finish(): Promise<number> {
    try {
      const index = new Uint8Array(8 + 16 * this.#index.length);
      const view = new DataView(index.buffer);
      fourcc(view, 0, 'idx1');
      view.setUint32(4, 16 * this.#index.length, true);
      this.#index.forEach(([offset, size], i) => {
        const at = 8 + 16 * i;
        fourcc(view, at, '00dc');
        view.setUint32(at + 4, AVIIF_KEYFRAME, true);
        view.setUint32(at + 8, offset, true);
        view.setUint32(at + 12, size, true);
      });
      await this.#file.write(index, 0, index.byteLength, this.#position);
      const total = this.#position + index.byteLength;
      await this.#file.write(this.#headers(total, this.#position - (HEADER_BYTES - 4)), 0, HEADER_BYTES, 0);
      return total;
    } finally {
      await this.#file.close();
    }
  }

  /** Closes the file without finishing it. */
  async abort(): Promise<void> {
    await this.#file.close().catch(() => {});
  }

  /** Every header up to and including the 'movi' fourcc. `moviSize`: the movi list's size field. */
  #headers(fileSize: number, moviSize: number): Uint8Array {
    const { width, height } = this.#options;
    const fps = this.#options.fps > 0 ? this.#options.fps : 10;
    const rate = Math.round(fps * 1000);
    const bytes = new Uint8Array(HEADER_BYTES);
    const view = new DataView(bytes.buffer);
    let at = 0;
    const tag = (text: string): void => {
      fourcc(view, at, text);
      at += 4;
    };
    const u32 = (value: number): void => {
      view.setUint32(at, value, true);
      at += 4;
    };
    const u16 = (value: number): void => {
      view.setUint16(at, value, true);
      at += 2;
    };
    const frames = this.#index.length;
    tag('RIFF'); u32(Math.max(0, fileSize - 8)); tag('AVI ');
    tag('LIST'); u32(4 + 8 + 56 + 12 + 8 + 56 + 8 + 40); tag('hdrl');
    tag('avih'); u32(56);
    u32(Math.round(1_000_000 / fps)); // microseconds per frame
    u32(Math.round(this.#maxFrame * fps)); // max bytes per second
    u32(0); // padding granularity
    u32(AVIF_HASINDEX);
    u32(frames);
    u32(0); // initial frames
    u32(1); // streams
    u32(this.#maxFrame); // suggested buffer size
    u32(width); u32(height);
    u32(0); u32(0); u32(0); u32(0);
    tag('LIST'); u32(4 + 8 + 56 + 8 + 40); tag('strl');
    tag('strh'); u32(56);
    tag('vids'); tag('MJPG');
    u32(0); // flags
    u16(0); u16(0); // priority, language
    u32(0); // initial frames
    u32(1000); u32(rate); // scale, rate: rate / scale = fps
    u32(0); // start
    u32(frames); // length in frames
    u32(this.#maxFrame);
    u32(0xffffffff); // quality: default
    u32(0); // sample size
    u16(0); u16(0); u16(width); u16(height);
    tag('strf'); u32(40);
    u32(40); u32(width); u32(height);
    u16(1); u16(24);
    tag('MJPG');
    u32(width * height * 3);
    u32(0); u32(0); u32(0); u32(0);
    tag('LIST'); u32(moviSize); tag('movi');
    return bytes;
  }
}
