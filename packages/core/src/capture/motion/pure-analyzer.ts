/**
 * Motion detection in plain TypeScript on a small grayscale frame: a running-
 * average background, thresholded differences, one dilation, and connected
 * components with their bounding boxes. Used for the synthetic backend and
 * under Deno, and selectable for any camera (`engine: 'pure'`).
 * @module
 */
import type { MotionBox, ResolvedMotionConfig } from '../../motion.ts';
import type { CapturedImage } from '../../backends/backend.ts';
import { BACKGROUND_RATE, detectSize, diffThreshold, MAX_BOXES, type MotionAnalyzer, type MotionSample } from './analyzer.ts';

/** The pure analyzer on any backend's images, through their small grayscale copies. */
export class PureMotionAnalyzer implements MotionAnalyzer {
  readonly #model: PureMotionModel;
  readonly #detectWidth: number;

  constructor(config: ResolvedMotionConfig) {
    this.#model = new PureMotionModel(config);
    this.#detectWidth = config.detectWidth;
  }

  async analyze(image: CapturedImage): Promise<MotionSample> {
    const { width, height } = detectSize(image.width, image.height, this.#detectWidth);
    return this.#model.analyze(await image.grayscale(width, height), width, height);
  }
}

export class PureMotionModel {
  readonly #config: ResolvedMotionConfig;
  #background: Float32Array | undefined;
  #width = 0;
  #height = 0;
  #ignore: Uint8Array | undefined;

  constructor(config: ResolvedMotionConfig) {
    this.#config = config;
  }

  /** Feeds one grayscale frame (width × height bytes) and returns what moved. */
  analyze(gray: Uint8Array, width: number, height: number): MotionSample {
    if (!this.#background || width !== this.#width || height !== this.#height) {
      this.#width = width;
      this.#height = height;
      this.#background = Float32Array.from(gray);
      this.#ignore = maskPixels(this.#config.mask, width, height);
      return { score: 0, boxes: [], largest: 0 };
    }
    const background = this.#background;
    const threshold = diffThreshold(this.#config.sensitivity);
    const changed = new Uint8Array(width * height);
    const ignore = this.#ignore!;
    for (let i = 0; i < gray.length; i++) {
      const value = gray[i]!;
      const bg = background[i]!;
      if (!ignore[i] && Math.abs(value - bg) > threshold) changed[i] = 1;
      background[i] = bg + (value - bg) * BACKGROUND_RATE;
    }
    return regions(dilate(changed, width, height), width, height, this.#config.minArea);
  }
}

function maskPixels(mask: readonly MotionBox[], width: number, height: number): Uint8Array {
  const ignore = new Uint8Array(width * height);
  for (const box of mask) {
    const x1 = Math.max(0, Math.floor(box.x * width));
    const y1 = Math.max(0, Math.floor(box.y * height));
    const x2 = Math.min(width, Math.ceil((box.x + box.width) * width));
    const y2 = Math.min(height, Math.ceil((box.y + box.height) * height));
    for (let y = y1; y < y2; y++) ignore.fill(1, y * width + x1, y * width + x2);
  }
  return ignore;
}

/** A 3×3 dilation, so the fragments of one moving object join up. */
function dilate(bits: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(bits.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!bits[y * width + x]) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width) out[yy * width + xx] = 1;
        }
      }
    }
  }
  return out;
}

/** Connected components (4-connected) of a bitmap, as boxes of the regions of at least `minArea`. */
function regions(bits: Uint8Array, width: number, height: number, minArea: number): MotionSample {
  const total = width * height;
  const seen = new Uint8Array(total);
  const stack = new Int32Array(total);
  const found: Array<{ area: number; box: MotionBox }> = [];
  let moving = 0;
  for (let start = 0; start < total; start++) {
    if (!bits[start] || seen[start]) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let area = 0;
    let minX = width, minY = height, maxX = 0, maxY = 0;
    while (top > 0) {
      const i = stack[--top]!;
      area++;
      const x = i % width;
      const y = (i - x) / width;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x > 0 && bits[i - 1] && !seen[i - 1]) (seen[i - 1] = 1), (stack[top++] = i - 1);
      if (x < width - 1 && bits[i + 1] && !seen[i + 1]) (seen[i + 1] = 1), (stack[top++] = i + 1);
      if (y > 0 && bits[i - width] && !seen[i - width]) (seen[i - width] = 1), (stack[top++] = i - width);
      if (y < height - 1 && bits[i + width] && !seen[i + width]) (seen[i + width] = 1), (stack[top++] = i + width);
    }
    moving += area;
    if (area / total >= minArea) {
      found.push({
        area,
        box: { x: minX / width, y: minY / height, width: (maxX - minX + 1) / width, height: (maxY - minY + 1) / height },
      });
    }
  }
  found.sort((a, b) => b.area - a.area);
  return {
    score: moving / total,
    boxes: found.slice(0, MAX_BOXES).map((region) => region.box),
    largest: (found[0]?.area ?? 0) / total,
  };
}
