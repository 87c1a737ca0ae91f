/* @ts-self-types="./chromium-system.d.mts" */
// The Chromium a machine already has, and the flags every launch uses. Plain
// JavaScript, so that the bench (run from dist/) imports it by path, like
// requirements.mjs; chromium.ts adds the npm-shipped fallback for the tests.
import { accessSync, constants, statSync } from 'node:fs';
import process from 'node:process';

/** The flags every launch uses: headless, as root, and with no background traffic on a closed network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where a system's Chromium is looked for, in order: Debian's and Ubuntu's, and Chrome's. */
export const SYSTEM_CHROMIUMS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `SERVERCAM_CHROMIUM` (or `CHROMIUM_PATH`), else the first executable of `system`, else null. */
export function localChromium({ env = process.env, system = SYSTEM_CHROMIUMS } = {}) {
  const chosen = env['SERVERCAM_CHROMIUM'] ?? env['CHROMIUM_PATH'];
  if (chosen) return { path: chosen, source: 'env' };
  const found = system.find(isExecutable);
  return found ? { path: found, source: 'system' } : null;
}
