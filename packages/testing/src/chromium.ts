/**
 * A Chromium for the browser tests: `SERVERCAM_CHROMIUM` (or `CHROMIUM_PATH`),
 * else the system's (Debian's `chromium`), else the one `@sparticuz/chromium`
 * ships inside its npm package (unpacked to the temporary directory on first
 * use, a few seconds), so a machine with only Node runs them too.
 * @module
 */
import { CHROMIUM_FLAGS, localChromium } from './chromium-system.mjs';

export { CHROMIUM_FLAGS };

export interface ChromiumBinary {
  readonly path: string;
  readonly source: 'env' | 'system' | 'npm';
}

export interface FindChromiumOptions {
  /** The environment to read `SERVERCAM_CHROMIUM` / `CHROMIUM_PATH` from (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The system paths to try, in order (default: Debian's and Ubuntu's, and Chrome's). */
  readonly system?: readonly string[] | undefined;
}

/** Finds the Chromium to launch: the env variable's, else the system's, else the npm-shipped one. */
export async function findChromium(options: FindChromiumOptions = {}): Promise<ChromiumBinary> {
  const local = localChromium(options);
  if (local) return local;
  const { default: packaged } = await import('@sparticuz/chromium');
  return { path: await packaged.executablePath(), source: 'npm' };
}

let found: Promise<ChromiumBinary> | undefined;

/** {@link findChromium}, once per process. */
export function chromiumBinary(): Promise<ChromiumBinary> {
  found ??= findChromium();
  return found;
}
