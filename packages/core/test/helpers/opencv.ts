/**
 * Whether the OpenCV tests run here. They are skipped, loudly, on a machine
 * without the addon, unless SERVERCAM_REQUIRE_OPENCV=1 (CI), where they run
 * and fail. The check loads the addon in a child process: loading it in the
 * test thread too would abort the process (one thread per process).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

const coreDir = fileURLToPath(new URL('../..', import.meta.url));

function probe(): { ok: boolean; reason: string } {
  const result = spawnSync(process.execPath, ['-e', "import('@u4/opencv4nodejs').then(m => console.log((m.cv ?? m.default).version.major))"], {
    cwd: coreDir,
    env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === 0) return { ok: true, reason: '' };
  const lines = `${result.stderr}`.trim().split('\n');
  return { ok: false, reason: lines.find((line) => /\bError\b[^:]*: /.test(line)) ?? lines.at(-1) ?? 'unknown' };
}

export const required = process.env['SERVERCAM_REQUIRE_OPENCV'] === '1';
export const opencv = probe();

if (!opencv.ok && !required) {
  // For the test command's closing summary (scripts/test.mjs; the same record as @servercam/testing's runOrSkip).
  const log = process.env['SERVERCAM_SKIP_LOG'];
  const enable = 'pnpm setup:opencv   (apt-get install libopencv-dev, then the addon builds)';
  if (log) appendFileSync(log, `${JSON.stringify({ group: 'OpenCV tests of @servercam/core', reason: opencv.reason, enable })}\n`);
  console.warn(
    '\n' + '!'.repeat(78) +
      '\n!! OpenCV TESTS SKIPPED: @u4/opencv4nodejs cannot be loaded here.' +
      `\n!! (${opencv.reason})` +
      '\n!! To run them: pnpm setup:opencv   (installs libopencv-dev and builds the addon)' +
      '\n' + '!'.repeat(78) + '\n',
  );
}

/** `describe` for OpenCV tests: skipped without OpenCV unless it is required. */
export const describeOpenCv: typeof describe = opencv.ok || required ? describe : (describe.skip as typeof describe);
