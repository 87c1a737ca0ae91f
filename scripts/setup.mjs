#!/usr/bin/env node
// The first step of `pnpm start`, `pnpm test` and `pnpm bench`: says whether the
// optional OpenCV addon is here. pnpm has installed the workspace before any
// script runs, and the addon's own install step (patches/@u4__opencv4nodejs@7.1.2.patch)
// built it against the system OpenCV if there is one; nothing is installed here.
import { hasSystemOpenCv } from './native-build-env.mjs';
import { probeOpenCv } from '../packages/testing/src/opencv-probe.mjs';

const probe = probeOpenCv();
if (probe.available) {
  console.log(`[setup] OpenCV ${probe.version}: device, file and network cameras work.`);
} else if (hasSystemOpenCv()) {
  console.log('[setup] The system has OpenCV but the addon is not built: run `pnpm setup:opencv` (about 5 minutes).');
} else {
  console.log('[setup] No OpenCV here: synthetic cameras only, and the OpenCV tests are skipped. `pnpm setup:opencv` adds it.');
}
