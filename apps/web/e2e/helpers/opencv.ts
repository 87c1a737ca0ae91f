/**
 * Whether the OpenCV addon loads on this machine. The tests of a camera that
 * reads a video file through OpenCV need it; without it they are skipped with a
 * loud line, unless SERVERCAM_REQUIRE_OPENCV=1, where they fail.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { CORE_DIR } from './paths.ts';

export interface OpenCvCheck {
  readonly available: boolean;
  readonly reason: string;
}

/** Loads `@u4/opencv4nodejs` in a child process (the addon may load in one thread per process only). */
export function checkOpenCv(): OpenCvCheck {
  const result = spawnSync(process.execPath, ['-e', "const cv = require('@u4/opencv4nodejs'); process.stdout.write(String(cv.version.major))"], {
    cwd: CORE_DIR,
    // As the core loads it: the addon built against the system OpenCV, never a build at run time.
    env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1', OPENCV_LOG_LEVEL: 'FATAL' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status === 0) return { available: true, reason: `OpenCV ${result.stdout.trim()}` };
  const reason = (result.stderr || result.error?.message || `exit ${result.status}`).trim().split('\n').slice(-3).join(' ');
  return { available: false, reason };
}

/** Checks OpenCV and says loudly when its tests are skipped; throws when they are required. */
export function requireOrSkipOpenCv(): boolean {
  const check = checkOpenCv();
  if (check.available) return true;
  const line = `OpenCV is not available (${check.reason}): the end-to-end tests run WITHOUT the video-file camera.`;
  if (process.env['SERVERCAM_REQUIRE_OPENCV'] === '1') throw new Error(`SERVERCAM_REQUIRE_OPENCV=1 but ${line}`);
  console.warn(`\n${'!'.repeat(80)}\n!!! ${line}\n!!! Install it with \`pnpm setup:opencv\`; set SERVERCAM_REQUIRE_OPENCV=1 to make this an error.\n${'!'.repeat(80)}\n`);
  return false;
}
