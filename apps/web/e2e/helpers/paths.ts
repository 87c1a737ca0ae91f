/**
 * Where things are, from the end-to-end tests' point of view.
 * @module
 */
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** This app's static build (`vite build`), which the server serves at `/`. */
export const UI_DIR = fileURLToPath(new URL('../../build/', import.meta.url));
/** Screenshots the tests take, kept by CI (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../../artifacts/screenshots/', import.meta.url));
/** The screenshot the README shows (committed). */
export const README_SCREENSHOT = fileURLToPath(new URL('../../../../docs/screenshot.png', import.meta.url));
/** The core package, whose dependencies include the OpenCV addon. */
export const CORE_DIR = fileURLToPath(new URL('../../../../packages/core/', import.meta.url));
