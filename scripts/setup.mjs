#!/usr/bin/env node
// The first step of `pnpm start`, `pnpm test` and `pnpm bench`: says whether the
// optional OpenCV addon is here. pnpm has installed the workspace before any
// script runs, and the addon's own install step (patches/@u4__opencv4nodejs@7.1.2.patch)
// built it against the system OpenCV if there is one; nothing is installed here.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasSystemOpenCv } from './native-build-env.mjs';

const core = fileURLToPath(new URL('../packages/core/', import.meta.url));
const probe = spawnSync(process.execPath, ['-e', "import('@u4/opencv4nodejs').then(m => console.log(Object.values((m.cv ?? m.default).version).join('.')))"], {
  cwd: core,
  env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1', OPENCV_LOG_LEVEL: 'FATAL' },
  encoding: 'utf8',
  timeout: 60_000,
});
if (probe.status === 0) {
  console.log(`[setup] OpenCV ${probe.stdout.trim().split('\n').at(-1)}: device, file and network cameras work.`);
} else if (hasSystemOpenCv()) {
  console.log('[setup] The system has OpenCV but the addon is not built: run `pnpm setup:opencv` (about 5 minutes).');
} else {
  console.log('[setup] No OpenCV here: synthetic cameras only, and the OpenCV tests are skipped. `pnpm setup:opencv` adds it.');
}
