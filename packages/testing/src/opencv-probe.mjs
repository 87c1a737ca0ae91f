/* @ts-self-types="./opencv-probe.d.mts" */
// Whether the OpenCV addon (`@u4/opencv4nodejs`, an optional dependency of the
// core built against the system OpenCV) loads here. It is loaded in a child
// process: a second thread of the calling process loading it would abort the
// process (the addon may load in one thread per process). The one probe of
// the tests, the pipeline benchmark, `pnpm setup` and `pnpm setup:opencv`;
// plain JavaScript so that each of them imports it by path.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** The core package, whose optional dependencies hold the addon. */
const CORE_DIR = fileURLToPath(new URL('../../core/', import.meta.url));

/** The one command that adds the addon. */
export const OPENCV_ENABLE = 'pnpm setup:opencv   (apt-get install libopencv-dev, then the addon builds)';

const SCRIPT = "import('@u4/opencv4nodejs').then(m => console.log(Object.values((m.cv ?? m.default).version).join('.')))";

let probed;

/** Loads the addon in a child process (once per process; `fresh` probes again). */
export function probeOpenCv({ fresh = false } = {}) {
  if (probed && !fresh) return probed;
  const result = spawnSync(process.execPath, ['-e', SCRIPT], {
    cwd: CORE_DIR,
    // As the core loads it: the addon built at install time, never a build at run time.
    env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1', OPENCV_LOG_LEVEL: 'FATAL' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status === 0) {
    probed = { available: true, version: result.stdout.trim().split('\n').at(-1) ?? '', reason: '' };
  } else {
    const lines = `${result.stderr || result.error?.message || ''}`.trim().split('\n');
    const why = lines.find((line) => /\bError\b[^:]*: /.test(line)) ?? lines.at(-1) ?? 'unknown';
    probed = { available: false, version: '', reason: `@u4/opencv4nodejs does not load (${why})` };
  }
  return probed;
}

/** Whether the OpenCV tests of `where` run here (see runOrSkip). */
export function openCvRequirement(where) {
  const { available, reason } = probeOpenCv();
  return { group: `OpenCV tests of ${where}`, available, reason, enable: OPENCV_ENABLE, requiredBy: 'SERVERCAM_REQUIRE_OPENCV' };
}
