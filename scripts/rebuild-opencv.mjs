#!/usr/bin/env node
// Builds (or rebuilds) @u4/opencv4nodejs against the system OpenCV, then checks it loads.
import { spawnSync } from 'node:child_process';
import { nativeBuildEnv, pnpmCommand } from './native-build-env.mjs';

const pnpm = pnpmCommand();
const env = nativeBuildEnv();
const run = (args, options = {}) => {
  const result = spawnSync(pnpm[0], [...pnpm[1], ...args], { stdio: 'inherit', env, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
// Rebuild the optional addon (a workspace installed without OpenCV has it unbuilt).
run(['rebuild', '@u4/opencv4nodejs', '--reporter=append-only']);
const check = spawnSync(process.execPath, ['-e', "import('@u4/opencv4nodejs').then(m => console.log('[opencv] OpenCV', Object.values((m.cv ?? m.default).version).join('.'), 'loads'))"], {
  cwd: new URL('../packages/core/', import.meta.url),
  stdio: 'inherit',
  env: { ...process.env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1' },
});
process.exit(check.status ?? 1);
