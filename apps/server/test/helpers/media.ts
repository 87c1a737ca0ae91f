/** Real media for tests (made by ffmpeg, from @servercam/testing), and this package's temporary directory. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { fromBase64, jpegSize, makeVideo } from '@servercam/testing';

export const tempDir = mkdtempSync(join(tmpdir(), 'servercam-server-'));
