/**
 * Lifecycle, checked in fresh processes: after close() nothing keeps the
 * process alive (no stray worker, timer or socket), and an OpenCV source on a
 * machine where the addon cannot load fails with BackendUnavailable.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeVideo } from './helpers/media.ts';
import { describeOpenCv } from './helpers/opencv.ts';

const coreDir = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let scripts = 0;

/** Runs an ES module that imports @servercam/core (by its own name) in a fresh Node process. */
function run(source: string, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<Run> {
  const dir = join(coreDir, '.tmp');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `lifecycle-${process.pid}-${++scripts}.mjs`);
  writeFileSync(script, source);
  const { NODE_OPTIONS: _, ...parentEnv } = process.env;
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script], { cwd: coreDir, env: { ...parentEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const closeAndReport = (cameras: string) => `
  import { ServerVideoStream } from '@servercam/core';
  const stream = new ServerVideoStream({ cameras: ${cameras}, fps: 20 });
  await stream.start();
  const seen = new Set();
  for await (const frame of stream.frames()) { seen.add(frame.seq); if (seen.size === 5) break; }
  const other = stream.frames({ cameraId: 'b', maxWidth: 64 });
  await other.next();
  await stream.close();
  // What still keeps the event loop alive (ref'd handles, timers, sockets, workers):
  // PipeWrap: this process's stdout and stderr, piped to the test.
  const left = process.getActiveResourcesInfo().filter((kind) => kind !== 'PipeWrap');
  console.log(JSON.stringify({ frames: seen.size, active: left }));
`;

describe('close() releases everything (fresh process)', () => {
  it('a synthetic stream leaves nothing behind, and the process exits by itself', async () => {
    const result = await run(closeAndReport(`[{ id: 'a', source: 'synthetic:320x240' }, { id: 'b', source: 'synthetic:160x120' }]`));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { frames: number; active: string[] };
    expect(report.frames).toBe(5);
    expect(report.active).toEqual([]);
  });
});

describeOpenCv('close() releases OpenCV cameras (fresh process)', () => {
  it('an OpenCV stream leaves nothing that keeps the process alive, and it exits by itself', async () => {
    const a = makeVideo({ width: 320, height: 240, fps: 25, seconds: 2 });
    const b = makeVideo({ width: 160, height: 120, fps: 25, seconds: 2 });
    const result = await run(closeAndReport(`[{ id: 'a', source: ${JSON.stringify(a)} }, { id: 'b', source: ${JSON.stringify(b)} }]`));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { frames: number; active: string[] };
    expect(report.frames).toBe(5);
    expect(report.active).toEqual([]);
  });

  it('a second stream in the same process reuses the capture worker (OpenCV loads once)', async () => {
    const file = makeVideo({ width: 160, height: 120, fps: 25, seconds: 2 });
    const result = await run(`
      import { ServerVideoStream } from '@servercam/core';
      for (let round = 1; round <= 3; round++) {
        const stream = new ServerVideoStream({ cameras: [{ id: 'f', source: ${JSON.stringify(file)} }] });
        await stream.start(['f']);
        const { value } = await stream.frames().next();
        console.log('round', round, value.width);
        await stream.close();
      }
    `);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual(['round 1 160', 'round 2 160', 'round 3 160']);
    expect(result.code).toBe(0);
  });
});

describe('BackendUnavailable', () => {
  it('an OpenCV source where the addon cannot load fails with BackendUnavailable saying what to install', async () => {
    const file = makeVideo({ width: 160, height: 120, fps: 25, seconds: 2 });
    // An empty OPENCV4NODEJS_DISABLE_AUTOBUILD lets the addon look for its own OpenCV build, which does not exist.
    const result = await run(
      `
      import { ServerVideoStream } from '@servercam/core';
      const stream = new ServerVideoStream({ cameras: [{ id: 'f', source: ${JSON.stringify(file)} }, { id: 's', source: 'synthetic:64x48' }] });
      const error = await stream.start(['f']).then(() => null, (e) => e);
      const frame = await stream.frames({ cameraId: 's' }).next();
      console.log(JSON.stringify({ name: error?.name, code: error?.code, cameraId: error?.cameraId, message: error?.message, cause: error?.cause?.message, synthetic: frame.value.width }));
      await stream.close();
    `,
      { OPENCV4NODEJS_DISABLE_AUTOBUILD: '' },
    );
    expect(result.code).toBe(0);
    const error = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'BackendUnavailable', code: 'BACKEND_UNAVAILABLE', cameraId: 'f', synthetic: 64 });
    expect(error['message']).toContain('pnpm setup:opencv');
    expect(error['cause']).toBeTruthy();
  });
});
