#!/usr/bin/env node
// `pnpm setup`: install the workspace with the environment the optional OpenCV
// addon needs. Safe to run again: a settled install takes a second or two.
import { spawnSync } from 'node:child_process';
import { hasSystemOpenCv, nativeBuildEnv, pnpmCommand } from './native-build-env.mjs';

const [cmd, args] = pnpmCommand();

const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
if (hasSystemOpenCv()) {
  console.log('[setup] system OpenCV found: @u4/opencv4nodejs will be built against it (first time only, ~5 min on 2 cores).');
} else {
  console.log('[setup] no system OpenCV: installing without the OpenCV backend (the optional addon\'s build fails below; that is expected).');
  console.log('[setup] To add OpenCV later: pnpm setup:opencv');
}
const started = Date.now();
const result = spawnSync(cmd, [...args, 'install', ...frozen, '--reporter=append-only'], {
  stdio: 'inherit',
  env: nativeBuildEnv(),
});
if (result.status !== 0) process.exit(result.status ?? 1);
console.log(`[setup] install done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
