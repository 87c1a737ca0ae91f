/**
 * Whether the OpenCV addon (`@u4/opencv4nodejs`, an optional dependency of
 * the core built against the system OpenCV) loads here. It is loaded in a
 * child process: a second thread of the test process loading it would abort
 * the process (the addon may load in one thread per process).
 * @module
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import type { Requirement } from './requirements.ts';

/** The core package, whose optional dependencies hold the addon. */
const CORE_DIR = fileURLToPath(new URL('../../core/', import.meta.url));

let probed: { available: boolean; reason: string } | undefined;

function probe(): { available: boolean; reason: string } {
  const result = spawnSync(process.execPath, ['-e', "import('@u4/opencv4nodejs').then(m => console.log((m.cv ?? m.default).version.major))"], {
    cwd: CORE_DIR,
    // As the core loads it: the addon built at install time, never a build at run time.
    env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1', OPENCV_LOG_LEVEL: 'FATAL' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status === 0) return { available: true, reason: '' };
  const lines = `${result.stderr || result.error?.message || ''}`.trim().split('\n');
  return { available: false, reason: `@u4/opencv4nodejs does not load (${lines.find((line) => /\bError\b[^:]*: /.test(line)) ?? lines.at(-1) ?? 'unknown'})` };
}

/** Whether the OpenCV tests of `where` run here (see {@link runOrSkip}). */
export function openCvRequirement(where: string): Requirement {
  probed ??= probe();
  return {
    group: `OpenCV tests of ${where}`,
    ...probed,
    enable: 'pnpm setup:opencv   (apt-get install libopencv-dev, then the addon builds)',
    requiredBy: 'SERVERCAM_REQUIRE_OPENCV',
  };
}
