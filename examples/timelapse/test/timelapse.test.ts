import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('saves the asked number of JPEGs, each a later frame, and exits by itself', () => {
  const out = mkdtempSync(join(tmpdir(), 'timelapse-'));
  const script = fileURLToPath(new URL('../timelapse.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script, '--source', 'synthetic:320x240', '--every', '0.3', '--count', '3', '--width', '160', '--out', out], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const files = readdirSync(out).sort();
  expect(files).toHaveLength(3);
  const seqs = files.map((file) => Number(/-(\d+)\.jpg$/.exec(file)![1]));
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  for (const file of files) {
    const bytes = readFileSync(join(out, file));
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect(jpegSize(bytes)).toEqual({ width: 160, height: 120 });
  }
  expect(result.stdout.match(/\(160x120, \d+ bytes\)/g)).toHaveLength(3);
});

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  for (let i = 2; i + 9 < bytes.length; ) {
    const marker = bytes[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc3) return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
  }
  throw new Error('no start-of-frame marker');
}
