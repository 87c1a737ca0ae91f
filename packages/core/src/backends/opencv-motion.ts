/**
 * Motion detection with OpenCV, for OpenCV cameras: a running-average
 * background (accumulateWeighted), absdiff, threshold, dilate and external
 * contours on a small blurred grayscale copy. All of it is cheap at 160 px wide.
 * @module
 */
import type { CapturedImage } from './backend.ts';
import { BACKGROUND_RATE, detectSize, diffThreshold, MAX_BOXES, type MotionAnalyzer, type MotionSample } from '../capture/motion/analyzer.ts';
import type { ResolvedMotionConfig } from '../motion.ts';
import type { CvMat, OpenCv } from './opencv-module.ts';

/** An image that can hand its OpenCV matrix to the OpenCV analyzer. */
export interface HasMat {
  readonly mat: CvMat;
}

export class OpenCvMotionAnalyzer implements MotionAnalyzer {
  readonly #cv: OpenCv;
  readonly #config: ResolvedMotionConfig;
  #background: CvMat | undefined;
  #consider: CvMat | undefined;
  #size = { width: 0, height: 0 };

  constructor(cv: OpenCv, config: ResolvedMotionConfig) {
    this.#cv = cv;
    this.#config = config;
  }

  async analyze(image: CapturedImage): Promise<MotionSample> {
    const cv = this.#cv;
    const { mat } = image as CapturedImage & HasMat;
    const size = detectSize(mat.cols, mat.rows, this.#config.detectWidth);
    // The one costly step, the downscale of the full frame, runs on libuv's pool; the rest is on a tiny image.
    const small = await mat.resizeAsync(size.height, size.width, 0, 0, cv.INTER_AREA);
    const gray = small.cvtColor(cv.COLOR_BGR2GRAY).gaussianBlur(new cv.Size(5, 5), 0);
    small.release();
    if (!this.#background || size.width !== this.#size.width || size.height !== this.#size.height) {
      this.#size = size;
      this.#background = gray.convertTo(cv.CV_32F);
      this.#consider = this.#maskMat(size.width, size.height);
      return { score: 0, boxes: [], largest: 0 };
    }
    let changed = gray.absdiff(this.#background.convertTo(cv.CV_8U)).threshold(diffThreshold(this.#config.sensitivity), 255, cv.THRESH_BINARY);
    if (this.#consider) changed = changed.bitwiseAnd(this.#consider);
    changed = changed.dilate(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(3, 3)));
    cv.accumulateWeighted(gray, this.#background, BACKGROUND_RATE);
    const total = size.width * size.height;
    const regions = changed
      .findContours(cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE)
      .map((contour) => ({ contour, rect: contour.boundingRect() }))
      // A contour's polygon area undercounts thin shapes; the box area is what a person sees move.
      .map(({ contour, rect }) => ({ area: Math.max(contour.area, 1), rect }))
      .filter(({ rect }) => (rect.width * rect.height) / total >= this.#config.minArea)
      .sort((a, b) => b.rect.width * b.rect.height - a.rect.width * a.rect.height);
    const largest = regions[0] ? (regions[0].rect.width * regions[0].rect.height) / total : 0;
    return {
      score: changed.countNonZero() / total,
      boxes: regions.slice(0, MAX_BOXES).map(({ rect }) => ({
        x: rect.x / size.width,
        y: rect.y / size.height,
        width: rect.width / size.width,
        height: rect.height / size.height,
      })),
      largest,
    };
  }

  /** 255 where motion counts, 0 in the ignored regions; undefined without a mask. */
  #maskMat(width: number, height: number): CvMat | undefined {
    if (this.#config.mask.length === 0) return undefined;
    const cv = this.#cv;
    const bytes = new Uint8Array(width * height).fill(255);
    for (const box of this.#config.mask) {
      const x1 = Math.max(0, Math.floor(box.x * width));
      const y1 = Math.max(0, Math.floor(box.y * height));
      const x2 = Math.min(width, Math.ceil((box.x + box.width) * width));
      const y2 = Math.min(height, Math.ceil((box.y + box.height) * height));
      for (let y = y1; y < y2; y++) bytes.fill(0, y * width + x1, y * width + x2);
    }
    return new cv.Mat(Buffer.from(bytes.buffer), height, width, cv.CV_8UC1);
  }
}
