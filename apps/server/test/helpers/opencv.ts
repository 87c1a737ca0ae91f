/**
 * Whether the OpenCV tests run here. Without the addon they are skipped,
 * loudly, unless SERVERCAM_REQUIRE_OPENCV=1 (CI), where they run and fail.
 * The probe loads the addon in a child process: a second thread of this
 * process loading it would abort the process (the core's worker loads it).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

// The addon is the core's (optional) dependency: resolve it from there.
const coreDir = fileURLToPath(new URL('../../../../packages/core/', import.meta.url));

function probe(): { ok: boolean; reason: string } {
  const result = spawnSync(process.execPath, ['-e', "import('@u4/opencv4nodejs').then(m => console.log((m.cv ?? m.default).version.major))"], {
    cwd: coreDir,
    env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === 0) return { ok: true, reason: '' };
  const lines = `${result.stderr}`.trim().split('\n');
  return { ok: false, reason: lines.find((line) => /Error/.test(line)) ?? lines.at(-1) ?? 'unknown' };
}

export const opencvRequired = process.env['SERVERCAM_REQUIRE_OPENCV'] === '1';
export const opencv = probe();

if (!opencv.ok && !opencvRequired) {
  console.warn(
    '\n' + '!'.repeat(78) +
      '\n!! OpenCV SERVER TESTS SKIPPED: @u4/opencv4nodejs cannot be loaded here.' +
      `\n!! (${opencv.reason})` +
      '\n!! To run them: pnpm setup:opencv   (installs libopencv-dev and builds the addon)' +
      '\n' + '!'.repeat(78) + '\n',
  );
}

/** `describe` for OpenCV tests: skipped without OpenCV unless it is required. */
export const describeOpenCv: typeof describe = opencv.ok || opencvRequired ? describe : (describe.skip as typeof describe);
