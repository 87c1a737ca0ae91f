// The environment a native build of @u4/opencv4nodejs needs on this kind of
// machine: build against the system OpenCV (never clone and build OpenCV),
// use the system Node headers when they exist, and build in parallel.
import { existsSync } from 'node:fs';

/** Where Debian/Ubuntu's libopencv-dev puts OpenCV 4. */
export const systemOpenCv = {
  includeDir: '/usr/include/opencv4',
  libDir: '/usr/lib/x86_64-linux-gnu',
  binDir: '/usr/bin',
};

export function hasSystemOpenCv() {
  return existsSync(`${systemOpenCv.includeDir}/opencv2/core.hpp`);
}

/** @param {NodeJS.ProcessEnv} base */
export function nativeBuildEnv(base = process.env) {
  const env = {
    ...base,
    OPENCV4NODEJS_DISABLE_AUTOBUILD: '1',
    OPENCV_INCLUDE_DIR: base.OPENCV_INCLUDE_DIR ?? systemOpenCv.includeDir,
    OPENCV_LIB_DIR: base.OPENCV_LIB_DIR ?? systemOpenCv.libDir,
    OPENCV_BIN_DIR: base.OPENCV_BIN_DIR ?? systemOpenCv.binDir,
    JOBS: base.JOBS ?? 'max',
  };
  // pnpm does not read npm's `nodedir`; node-gyp would then try to download headers.
  if (!base.npm_config_nodedir && existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  return env;
}

/**
 * How to run the pnpm that is running us (a pnpm script sets npm_execpath: a JS
 * file, or pnpm 12's native executable), or else pnpm through npx.
 * @returns {[string, string[]]}
 */
export function pnpmCommand() {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath)) {
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []];
  }
  return ['npx', ['--yes', 'pnpm@12.4.2']];
}
