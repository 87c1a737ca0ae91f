/**
 * Where the synthetic pattern draws: packed RGB (`rgb24`, for JPEG) or planar
 * 4:2:0 YUV (`yuv420p`, I420, for the H.264 encoder), behind one small
 * interface, so the pattern is drawn straight into the layout each consumer
 * takes. Drawing the H.264 encoder's frame in I420 spares it the RGB → YUV
 * conversion (about 3.6 ms a 720p frame in ffmpeg with accurate rounding) and
 * halves the bytes piped to it.
 *
 * YUV is BT.601 limited range, the H.264 stream's tag (as ffmpeg's and
 * OpenCV's conversions of RGB give it).
 * @module
 */

export type Rgb = readonly [number, number, number];

/** A picture the pattern can draw on. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  /** Fills a rectangle with a colour, clipped to the picture. */
  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void;
}

/** The rectangle clipped to the picture, in whole pixels, or null when nothing is left. */
function clip(raster: Raster, x: number, y: number, w: number, h: number): { x1: number; y1: number; x2: number; y2: number } | null {
  const x1 = Math.max(0, Math.floor(x));
  const y1 = Math.max(0, Math.floor(y));
  const x2 = Math.min(raster.width, Math.floor(x + w));
  const y2 = Math.min(raster.height, Math.floor(y + h));
  return x2 > x1 && y2 > y1 ? { x1, y1, x2, y2 } : null;
}

/** Copies the row of `length` bytes at `start` onto the `rows − 1` rows after it, `stride` apart. */
function repeatRow(plane: Uint8Array, start: number, length: number, rows: number, stride: number): void {
  for (let row = 1; row < rows; row++) plane.copyWithin(start + row * stride, start, start + length);
}

/** Fills `rows` rows of `length` bytes, `stride` apart from `start`: the first row, then copies of it. */
function fillRows(plane: Uint8Array, start: number, length: number, rows: number, stride: number, value: number): void {
  plane.fill(value, start, start + length);
  repeatRow(plane, start, length, rows, stride);
}

/** Packed RGB, 3 bytes a pixel. */
export class RgbRaster implements Raster {
  constructor(
    readonly data: Uint8Array,
    readonly width: number,
    readonly height: number,
  ) {}

  fillRect(x: number, y: number, w: number, h: number, [r, g, b]: Rgb): void {
    const box = clip(this, x, y, w, h);
    if (!box) return;
    const { data, width } = this;
    // Fill the first row, then copy it down: much faster than pixel by pixel.
    const rowStart = (box.y1 * width + box.x1) * 3;
    const rowBytes = (box.x2 - box.x1) * 3;
    for (let i = rowStart, end = rowStart + rowBytes; i < end; i += 3) {
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
    repeatRow(data, rowStart, rowBytes, box.y2 - box.y1, width * 3);
  }
}

/** BT.601 limited-range luma (Y) of an RGB colour, rounded. */
function lumaOf(r: number, g: number, b: number): number {
  return Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
}

/** BT.601 limited-range blue-difference chroma (Cb, U), rounded. */
function cbOf(r: number, g: number, b: number): number {
  return Math.round(128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255);
}

/** BT.601 limited-range red-difference chroma (Cr, V), rounded. */
function crOf(r: number, g: number, b: number): number {
  return Math.round(128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255);
}

/** BT.601 limited-range Y, Cb and Cr of an RGB colour, rounded. */
export function yuvOf([r, g, b]: Rgb): Rgb {
  return [lumaOf(r, g, b), cbOf(r, g, b), crOf(r, g, b)];
}

/** Where an I420 picture's planes are: a full-size Y plane, then U and V at half the width and height (rounded up). */
export function i420Planes(width: number, height: number): { chromaWidth: number; chromaHeight: number; u: number; v: number; length: number } {
  const chromaWidth = Math.ceil(width / 2);
  const chromaHeight = Math.ceil(height / 2);
  const u = width * height;
  const v = u + chromaWidth * chromaHeight;
  return { chromaWidth, chromaHeight, u, v, length: v + chromaWidth * chromaHeight };
}

/** The byte length of an I420 picture. */
export function i420Length(width: number, height: number): number {
  return i420Planes(width, height).length;
}

/**
 * Planar 4:2:0 (I420): Y, then U and V at half the width and height. A
 * rectangle's chroma covers every 2×2 block it touches, so an edge on an odd
 * pixel takes the rectangle's colour for its block: for a test pattern, that
 * is all the precision needed.
 */
export class I420Raster implements Raster {
  readonly #chromaWidth: number;
  readonly #uOffset: number;
  readonly #vOffset: number;

  constructor(
    readonly data: Uint8Array,
    readonly width: number,
    readonly height: number,
  ) {
    const planes = i420Planes(width, height);
    if (data.byteLength !== planes.length) throw new RangeError(`an I420 ${width}×${height} picture is ${planes.length} bytes, not ${data.byteLength}`);
    this.#chromaWidth = planes.chromaWidth;
    this.#uOffset = planes.u;
    this.#vOffset = planes.v;
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    const box = clip(this, x, y, w, h);
    if (!box) return;
    const [luma, cb, cr] = yuvOf(color);
    const { data, width } = this;
    fillRows(data, box.y1 * width + box.x1, box.x2 - box.x1, box.y2 - box.y1, width, luma);
    const cx1 = box.x1 >> 1;
    const cy1 = box.y1 >> 1;
    const length = ((box.x2 + 1) >> 1) - cx1;
    const rows = ((box.y2 + 1) >> 1) - cy1;
    const at = cy1 * this.#chromaWidth + cx1;
    fillRows(data, this.#uOffset + at, length, rows, this.#chromaWidth, cb);
    fillRows(data, this.#vOffset + at, length, rows, this.#chromaWidth, cr);
  }
}

/** Converts packed RGB to I420 (each chroma sample the mean of its 2×2 block's), for a picture drawn once. */
export function rgbToI420(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const { chromaWidth, chromaHeight, u: uOffset, v: vOffset, length } = i420Planes(width, height);
  const out = new Uint8Array(length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      out[y * width + x] = lumaOf(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    }
  }
  for (let cy = 0; cy < chromaHeight; cy++) {
    for (let cx = 0; cx < chromaWidth; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let n = 0;
      for (let y = cy * 2; y < Math.min(height, cy * 2 + 2); y++) {
        for (let x = cx * 2; x < Math.min(width, cx * 2 + 2); x++) {
          const i = (y * width + x) * 3;
          r += rgb[i]!;
          g += rgb[i + 1]!;
          b += rgb[i + 2]!;
          n++;
        }
      }
      out[uOffset + cy * chromaWidth + cx] = cbOf(r / n, g / n, b / n);
      out[vOffset + cy * chromaWidth + cx] = crOf(r / n, g / n, b / n);
    }
  }
  return out;
}
