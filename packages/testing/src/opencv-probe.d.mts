import type { Requirement } from './requirements.mjs';

/** The one command that adds the addon. */
export declare const OPENCV_ENABLE: string;

export interface OpenCvProbe {
  readonly available: boolean;
  /** e.g. "4.6.0" when it loads. */
  readonly version: string;
  /** Why it does not load (the addon's error line). */
  readonly reason: string;
}

/** Loads the addon in a child process (once per process; `fresh` probes again). */
export declare function probeOpenCv(options?: { readonly fresh?: boolean }): OpenCvProbe;

/** Whether the OpenCV tests of `where` run here (see runOrSkip). */
export declare function openCvRequirement(where: string): Requirement;
