/**
 * Whether the OpenCV addon loads on this machine. The tests of a camera that
 * reads a video file through OpenCV need it; without it they run without that
 * camera, with a loud notice, unless SERVERCAM_REQUIRE_OPENCV=1, where they fail.
 * @module
 */
import { openCvRequirement, runOrSkip } from '@servercam/testing';

/** Checks OpenCV and says loudly when its tests are skipped; throws when they are required. */
export function requireOrSkipOpenCv(): boolean {
  return runOrSkip(openCvRequirement('@servercam/web (the video-file camera of the end-to-end tests)'));
}
