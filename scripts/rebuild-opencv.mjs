#!/usr/bin/env node
// Builds (or rebuilds) @u4/opencv4nodejs against the system OpenCV, then checks it loads.
import { spawnSync } from 'node:child_process';
import { nativeBuildEnv, pnpmCommand } from './native-build-env.mjs';
import { probeOpenCv } from '../packages/testing/src/opencv-probe.mjs';

const pnpm = pnpmCommand();
const env = nativeBuildEnv();
const run = (args, options = {}) => {
  const result = spawnSync(pnpm[0], [...pnpm[1], ...args], { stdio: 'inherit', env, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
// Rebuild the optional addon (a workspace installed without OpenCV has it unbuilt).
run(['rebuild', '@u4/opencv4nodejs', '--reporter=append-only']);
const probe = probeOpenCv();
console.log(probe.available ? `[opencv] OpenCV ${probe.version} loads` : `[opencv] ${probe.reason}`);
process.exit(probe.available ? 0 : 1);
