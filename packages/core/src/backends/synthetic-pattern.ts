/**
 * The synthetic test pattern: colour bars, a grey ramp, a box that moves and
 * a caption with the camera id, frame number and time, so a person sees the
 * picture is live. Pure TypeScript on typed arrays.
 * @module
 */
import { drawText, GLYPH_HEIGHT, textWidth } from './bitmap-font.ts';
import { I420Raster, type Raster, RgbRaster, rgbToI420 } from './raster.ts';

/** The layouts the pattern is drawn in: packed RGB, or planar 4:2:0 YUV (I420). */
export type PatternFormat = 'rgb24' | 'yuv420p';

const BARS: ReadonlyArray<readonly [number, number, number]> = [
  [192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192],
];

export class SyntheticPattern {
  readonly width: number;
  readonly height: number;
  readonly #background: Uint8Array;
  #i420Background: Uint8Array | undefined;
  readonly #scale: number;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.#scale = Math.max(1, Math.floor(height / 160));
    this.#background = this.#paintBackground();
  }

  /**
   * Paints frame `seq` taken at `time` into `out`: packed RGB, width × height × 3
   * bytes, or for `yuv420p` I420 (`i420Length(width, height)` bytes).
   */
  render(out: Uint8Array, seq: number, time: Date, label: string, format: PatternFormat = 'rgb24'): void {
    const { width, height } = this;
    let raster: Raster;
    if (format === 'rgb24') {
      out.set(this.#background);
      raster = new RgbRaster(out, width, height);
    } else {
      // Converted once, the first time it is asked for.
      this.#i420Background ??= rgbToI420(this.#background, width, height);
      out.set(this.#i420Background);
      raster = new I420Raster(out, width, height);
    }
    // A box that sweeps across the bars, one full pass every 4 s at 30 fps.
    const box = Math.max(8, Math.floor(height / 6));
    const span = Math.max(1, width - box);
    const phase = seq % 240;
    const x = Math.round((phase < 120 ? phase : 240 - phase) * (span / 120));
    raster.fillRect(x, Math.floor(height * 0.33), box, box, [255, 255, 255]);
    raster.fillRect(x + box / 4, Math.floor(height * 0.33) + box / 4, box / 2, box / 2, [16, 16, 16]);
    // The caption on a black strip at the bottom.
    const s = this.#scale;
    const strip = (GLYPH_HEIGHT + 4) * s;
    raster.fillRect(0, height - strip, width, strip, [0, 0, 0]);
    const clock = time.toISOString().replace('T', ' ').slice(0, 23);
    const caption = `${label} #${seq} ${clock}`;
    const fits = textWidth(caption, s) <= width - 4 * s ? caption : `#${seq} ${clock.slice(11)}`;
    drawText(raster, fits, 2 * s, height - strip + 2 * s, s, [255, 255, 255]);
  }

  #paintBackground(): Uint8Array {
    const { width, height } = this;
    const rgb = new Uint8Array(width * height * 3);
    const raster = new RgbRaster(rgb, width, height);
    const barsHeight = Math.floor(height * 0.75);
    BARS.forEach((color, i) => {
      const x1 = Math.floor((i * width) / BARS.length);
      const x2 = Math.floor(((i + 1) * width) / BARS.length);
      raster.fillRect(x1, 0, x2 - x1, barsHeight, color);
    });
    for (let x = 0; x < width; x++) {
      const v = Math.round((x / Math.max(1, width - 1)) * 255);
      raster.fillRect(x, barsHeight, 1, height - barsHeight, [v, v, v]);
    }
    return rgb;
  }
}
