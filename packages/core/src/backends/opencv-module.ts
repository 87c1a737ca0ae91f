/**
 * Loads `@u4/opencv4nodejs` on first use, and types the small part of it the
 * core uses (so the core type-checks on machines without OpenCV).
 * @module
 */
import { createRequire } from 'node:module';
import { BackendUnavailable } from '../errors.ts';

export interface CvSize {
  readonly width: number;
  readonly height: number;
}

export interface CvContour {
  readonly area: number;
  boundingRect(): { x: number; y: number; width: number; height: number };
}

export interface CvMat {
  readonly rows: number;
  readonly cols: number;
  readonly empty: boolean;
  resize(rows: number, cols: number, fx?: number, fy?: number, interpolation?: number): CvMat;
  resizeAsync(rows: number, cols: number, fx?: number, fy?: number, interpolation?: number): Promise<CvMat>;
  cvtColor(code: number): CvMat;
  gaussianBlur(size: CvSize, sigmaX: number): CvMat;
  convertTo(type: number): CvMat;
  absdiff(other: CvMat): CvMat;
  threshold(thresh: number, maxVal: number, type: number): CvMat;
  bitwiseAnd(other: CvMat): CvMat;
  dilate(kernel: CvMat): CvMat;
  countNonZero(): number;
  findContours(mode: number, method: number): CvContour[];
  getData(): Uint8Array;
  release(): void;
}

export interface CvVideoCapture {
  readAsync(): Promise<CvMat>;
  get(property: number): number;
  set(property: number, value: number): boolean;
  release(): void;
}

export interface OpenCv {
  readonly version: { major: number; minor: number; revision: number };
  readonly VideoCapture: new (source: string | number, apiPreference?: number) => CvVideoCapture;
  readonly Mat: {
    new (rows: number, cols: number, type: number, fill?: number): CvMat;
    new (data: Uint8Array, rows: number, cols: number, type: number): CvMat;
  };
  readonly Size: new (width: number, height: number) => CvSize;
  imencodeAsync(ext: string, mat: CvMat, flags?: number[]): Promise<Uint8Array>;
  accumulateWeighted(src: CvMat, dst: CvMat, alpha: number): void;
  getStructuringElement(shape: number, size: CvSize): CvMat;
  readonly CV_8U: number;
  readonly CV_8UC1: number;
  readonly CV_32F: number;
  readonly COLOR_BGR2GRAY: number;
  readonly COLOR_BGR2YUV_I420: number;
  readonly THRESH_BINARY: number;
  readonly MORPH_RECT: number;
  readonly RETR_EXTERNAL: number;
  readonly CHAIN_APPROX_SIMPLE: number;
  readonly CAP_ANY: number;
  readonly CAP_FFMPEG: number;
  readonly CAP_PROP_FRAME_WIDTH: number;
  readonly CAP_PROP_FRAME_HEIGHT: number;
  readonly CAP_PROP_FPS: number;
  readonly CAP_PROP_POS_FRAMES: number;
  readonly IMWRITE_JPEG_QUALITY: number;
  readonly INTER_AREA: number;
}

export const OPENCV_PACKAGE = '@u4/opencv4nodejs';
const HOW_TO_INSTALL =
  'Install the system OpenCV and build the addon with "pnpm setup:opencv" ' +
  '(runs scripts/install-opencv.sh: apt-get install libopencv-dev, then builds @u4/opencv4nodejs against it).';

let loading: Promise<OpenCv> | undefined;

/**
 * Imports OpenCV once per thread. Never call this from more than one thread of
 * a process: the addon is not context-aware and a second load aborts the process.
 * @throws {BackendUnavailable} when the addon cannot be loaded here.
 */
export function loadOpenCv(cameraId?: string): Promise<OpenCv> {
  loading ??= importOpenCv();
  return loading.catch((error: unknown) => {
    if (error instanceof BackendUnavailable) {
      throw new BackendUnavailable(error.message, { cameraId, cause: error.cause });
    }
    throw error;
  });
}

async function importOpenCv(): Promise<OpenCv> {
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  if (deno) {
    throw new BackendUnavailable(
      `The OpenCV backend is not available under Deno ${deno.version?.deno ?? ''}: ` +
        `${OPENCV_PACKAGE} is a NAN addon, and Deno loads only Node-API addons. ` +
        'Run this camera under Node.js, or use a synthetic source under Deno.',
    );
  }
  await silenceOpenCvBuildLog();
  let module: { cv?: OpenCv; default?: OpenCv };
  try {
    module = (await import(OPENCV_PACKAGE)) as typeof module;
  } catch (cause) {
    throw new BackendUnavailable(`The OpenCV backend is not available: ${OPENCV_PACKAGE} could not be loaded. ${HOW_TO_INSTALL}`, { cause });
  }
  const cv = module.cv ?? module.default;
  if (!cv?.VideoCapture) {
    throw new BackendUnavailable(`The OpenCV backend is not available: ${OPENCV_PACKAGE} loaded without VideoCapture. ${HOW_TO_INSTALL}`);
  }
  return cv;
}

/**
 * `@u4/opencv4nodejs` prints "init no_autobuild is set." through its builder's
 * logger on every load. Silence that logger (best effort: it is a private
 * detail of the addon's dependency, so any failure here is ignored).
 */
async function silenceOpenCvBuildLog(): Promise<void> {
  try {
    const require = createRequire(import.meta.url);
    const fromAddon = createRequire(require.resolve(OPENCV_PACKAGE));
    const cjsEntry = fromAddon.resolve('@u4/opencv-build');
    const esmEntry = cjsEntry.replace(/[\\/]script[\\/]mod\.js$/, '/esm/mod.js');
    const build = (await import(new URL(`file://${esmEntry}`).href)) as { Log?: { silence: boolean } };
    if (build.Log) build.Log.silence = true;
  } catch {
    // Only log lines are at stake.
  }
}
