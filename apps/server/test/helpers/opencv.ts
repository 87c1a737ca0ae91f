/**
 * Whether the OpenCV tests run here: skipped, loudly, without the addon,
 * unless SERVERCAM_REQUIRE_OPENCV=1 (CI), where they fail instead.
 */
import { openCvRequirement, runOrSkip } from '@servercam/testing';
import { describe } from 'vitest';

export const opencv = { ok: runOrSkip(openCvRequirement('@servercam/server')) };

/** `describe` for OpenCV tests: skipped without OpenCV unless it is required. */
export const describeOpenCv: typeof describe = opencv.ok ? describe : (describe.skip as typeof describe);
