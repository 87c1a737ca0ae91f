/**
 * isolation: 'process': capture in a supervised child process survives a
 * crash of the capture side (a native abort, simulated with SIGABRT) and a
 * capture process that stops answering (SIGSTOP).
 */
import { afterEach, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CAPTURE_MALLOC_TUNABLES, ServerVideoStream } from '@servercam/core';
import { setsMallocThreshold } from '../src/host/malloc-env.ts';
import { makeVideo } from './helpers/media.ts';
import { describeOpenCv } from './helpers/opencv.ts';
import { processAlive, until, untilStatus } from './helpers/wait.ts';


describeOpenCv('capture in a supervised child process', () => {
  const streams: ServerVideoStream[] = [];
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });

  function open(): ServerVideoStream {
    const stream = new ServerVideoStream({
      cameras: [
        { id: 'file', source: makeVideo({ width: 320, height: 240, fps: 25, seconds: 4 }) },
        { id: 'test', source: 'synthetic:160x120' },
      ],
      fps: 20,
      isolation: 'process',
      supervision: { restartMinMs: 100, heartbeatMs: 250, heartbeatTimeoutMs: 3000 },
    });
    streams.push(stream);
    return stream;
  }

  it('captures OpenCV and synthetic cameras in another process', async () => {
    const stream = open();
    await stream.start(['file']);
    const frame = await until(() => stream.value, 'a frame');
    expect(frame).toMatchObject({ cameraId: 'file', width: 320, height: 240 });
    const pid = await until(() => stream.capturePid, 'the capture process');
    expect(pid).not.toBe(process.pid);
    expect(processAlive(pid)).toBe(true);
  });

  it('starts the capture process with the allocator settings for frame-sized buffers', async () => {
    const stream = open();
    await stream.start(['file']);
    const pid = await until(() => stream.capturePid, 'the capture process');
    const environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
    // Ours, unless the test run set a threshold of its own (that one wins).
    const own = process.env['GLIBC_TUNABLES'];
    const expected = own !== undefined && setsMallocThreshold(own) ? own : CAPTURE_MALLOC_TUNABLES;
    // glibc parses the list in place at start: Debian 12's (2.36) ends each entry with a NUL there,
    // so /proc/<pid>/environ shows the entries as separate strings (all of them still apply).
    expect([`GLIBC_TUNABLES=${expected}\0`, `GLIBC_TUNABLES=${expected.replaceAll(':', '\0')}\0`].some((form) => environment.includes(form))).toBe(true);
  });

  it('a native abort of the capture process shows ERROR, then capture restarts and goes LIVE', async () => {
    const stream = open();
    const statuses: string[] = [];
    const after: string[] = [];
    stream.on('status', (info) => info.id === 'file' && statuses.push(info.error ? `${info.status}: ${info.error.message}` : info.status));
    await stream.start(['file']);
    await untilStatus(stream, 'file', 'live');
    const pid = await until(() => stream.capturePid, 'the capture process');
    await until(() => (stream.value?.seq ?? 0) >= 3, 'a few frames');

    const before = stream.value!;
    process.kill(pid, 'SIGABRT');
    await untilStatus(stream, 'file', 'error');
    expect(statuses.at(-1)).toMatch(/error: Capture stopped: the capture process was killed by SIGABRT; restarting it/);
    stream.on('status', (info) => info.id === 'file' && after.push(info.status));

    await untilStatus(stream, 'file', 'live', 30_000);
    const newPid = await until(() => stream.capturePid, 'a new capture process');
    expect(newPid).not.toBe(pid);
    // The new process counts its own frames; the stream shows fresh ones again.
    const liveAgain = Date.now();
    const fresh = await until(() => (stream.value!.capturedAt > liveAgain ? stream.value : undefined), 'a frame from the new process', 30_000);
    expect(fresh.cameraId).toBe('file');
    // The watched camera goes straight back to work: no IDLE in between.
    expect(after.filter((status, i) => status !== after[i - 1])).toEqual(['opening', 'live']);
    // seq goes on counting across the restart: clients can order frames by it.
    expect(fresh.seq).toBeGreaterThan(before.seq);
  });

  it('after a restart, a camera nobody watches leaves ERROR for IDLE', async () => {
    const stream = open();
    await stream.start(['file', 'test']);
    await untilStatus(stream, 'file', 'live');
    await untilStatus(stream, 'test', 'idle');
    process.kill(await until(() => stream.capturePid, 'the capture process'), 'SIGABRT');
    await untilStatus(stream, 'test', 'error');
    await untilStatus(stream, 'file', 'live', 30_000);
    await untilStatus(stream, 'test', 'idle', 30_000);
  });

  it('a capture process that stops answering is killed and restarted', async () => {
    const stream = open();
    await stream.start(['file']);
    await untilStatus(stream, 'file', 'live');
    const pid = await until(() => stream.capturePid, 'the capture process');
    process.kill(pid, 'SIGSTOP');
    const failed = await untilStatus(stream, 'file', 'error', 15_000);
    expect(failed.error!.message).toMatch(/killed by SIGKILL; restarting it/);
    await untilStatus(stream, 'file', 'live', 30_000);
    expect(processAlive(pid)).toBe(false);
  });

  it('close() ends the capture process', async () => {
    const stream = open();
    await stream.start(['file']);
    const pid = await until(() => stream.capturePid, 'the capture process');
    await stream.close();
    await until(() => !processAlive(pid), 'the capture process to end', 5000);
    expect(stream.capturePid).toBeUndefined();
  });
});
