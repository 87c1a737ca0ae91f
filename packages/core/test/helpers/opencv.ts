/**
 * Whether the OpenCV tests run here: skipped, loudly, without the addon,
 * unless SERVERCAM_REQUIRE_OPENCV=1 (CI), where they fail instead. The probe
 * and the notice are the test kit's plain modules, imported by path: the core
 * does not depend on @servercam/testing.
 */
import { describe } from 'vitest';
import { openCvRequirement } from '../../../testing/src/opencv-probe.mjs';
import { runOrSkip } from '../../../testing/src/requirements.mjs';

export const opencv = { ok: runOrSkip(openCvRequirement('@servercam/core')) };

/** `describe` for OpenCV tests: skipped without OpenCV unless it is required. */
export const describeOpenCv: typeof describe = opencv.ok ? describe : (describe.skip as typeof describe);
