/**
 * The `servercam` CLI as a real child process (the built dist/cli.js):
 * exit codes, the startup banner, and graceful shutdown on SIGTERM/SIGINT.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '@servercam/schema';
import { FramesDocument } from '@servercam/schema/client';
import { closeAll, mjpegParts, next, openMjpeg, sseEvents, wsClient, wsSubscribe } from './helpers/clients.ts';
import { tempDir } from './helpers/media.ts';
import { type CliExit, type CliProcess, spawnCli, waitForBanner } from '@servercam/testing';

interface Run {
  readonly cli: CliProcess;
  readonly child: ChildProcess;
  /** Its JSON log lines so far. */
  readonly lines: Array<Record<string, unknown>>;
  readonly stdout: string;
  readonly stderr: string;
  readonly exited: Promise<CliExit & { at: number }>;
}

const children: CliProcess[] = [];

function run(args: string[]): Run {
  const cli = spawnCli(args);
  children.push(cli);
  return {
    cli,
    child: cli.child,
    get lines() {
      return cli.logLines();
    },
    get stdout() {
      return cli.stdout();
    },
    get stderr() {
      return cli.stderr();
    },
    exited: new Promise((resolve) => cli.child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() }))),
  };
}

const listening = (server: Run): Promise<{ url: string; msg: string }> => waitForBanner(server.cli);

afterAll(async () => {
  await closeAll();
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
});

describe('exit code 2', () => {
  it('for an invalid config, with one clear error naming the key', async () => {
    const file = join(tempDir, 'invalid.json');
    writeFileSync(file, JSON.stringify({ port: 4000, cameras: [{ id: 'desk', source: 0, lable: 'Desk' }] }));
    const server = run(['serve', '--config', file]);
    const { code } = await server.exited;
    expect(code).toBe(2);
    expect(server.stderr.trim().split('\n')).toEqual([`servercam: Invalid config ${file}: "cameras[0].lable" is not a camera setting (use id, label, source, loop, realtime, motion, credentials)`]);
    expect(server.stdout).toBe('');
  });

  it('for a config file that does not exist', async () => {
    const server = run(['serve', '--config', join(tempDir, 'nope.json')]);
    expect((await server.exited).code).toBe(2);
    expect(server.stderr).toMatch(/Cannot read config file .*nope\.json: not found/);
  });

  it('for an unknown flag, with the usage', async () => {
    const server = run(['serve', '--colour']);
    expect((await server.exited).code).toBe(2);
    expect(server.stderr).toMatch(/Unknown option '--colour'/);
    expect(server.stderr).toContain('Usage: servercam serve');
  });
});

describe('serve', () => {
  it('prints a banner with the URLs of the UI, GraphiQL and each camera\'s MJPEG stream; flags override the file', async () => {
    const file = join(tempDir, 'cameras.json');
    writeFileSync(file, JSON.stringify({ port: 1, fps: 6, quality: 50, cameras: [{ id: 'front', label: 'Front', source: 'synthetic:160x120' }, { id: 'back', source: 'synthetic:160x120' }] }));
    const server = run(['serve', '--config', file, '--port', '0', '--quality', '65', '--ui-dir', join(tempDir, 'no-ui')]);
    const { url, msg } = await listening(server);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(msg).toContain(`UI        ${url}/`);
    expect(msg).toContain(`GraphiQL  ${url}/graphql`);
    expect(msg).toContain(`front  ${url}/cameras/front/stream.mjpeg  (Front: synthetic:160x120)`);
    expect(msg).toContain(`back   ${url}/cameras/back/stream.mjpeg`);
    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health.stream).toEqual({ paused: false, fps: 6, activeCameraId: 'front', quality: 65 });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('serves one synthetic camera when none is configured', async () => {
    const server = run(['serve', '--port', '0']);
    const { url } = await listening(server);
    const health = await (await fetch(`${url}/healthz`)).json();
    expect(health.cameras.map((camera: { id: string }) => camera.id)).toEqual(['synthetic']);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const first = run(['serve', '--port', '0', '--camera', 'a=synthetic:160x120']);
    const { url } = await listening(first);
    const second = run(['serve', '--port', new URL(url).port, '--camera', 'a=synthetic:160x120']);
    expect((await second.exited).code).toBe(1);
    expect(second.stdout).toMatch(/is in use: stop the other server or pick another --port/);
    first.child.kill('SIGTERM');
    await first.exited;
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM: subscriptions complete, streams end, and the process exits 0 within 5 s', async () => {
    const server = run(['serve', '--port', '0', '--fps', '15', '--camera', 'cam=synthetic:320x240']);
    const { url } = await listening(server);
    const wsUrl = `${url.replace(/^http/, 'ws')}/graphql`;
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(wsUrl), FramesDocument.toString());
    await next(frames);
    const sse = sseEvents(url, FramesDocument.toString(), { maxWidth: 64 });
    await next(sse);
    const mjpeg = mjpegParts(await openMjpeg(`${url}/cameras/cam/stream.mjpeg`));
    await next(mjpeg);

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    // graphql-ws: the subscription completes (the iterator ends, no error).
    let result = await frames.next();
    while (!result.done) result = await frames.next();
    // SSE: Yoga's `complete` event, then the end of the stream.
    const rest: string[] = [];
    for await (const event of sse) rest.push(event.event);
    expect(rest.at(-1)).toBe('complete');
    // MJPEG: the multipart body ends.
    let part = await mjpeg.next();
    while (!part.done) part = await mjpeg.next();

    const { code, at } = await server.exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(5000);
    const messages = server.lines.map((line) => line['msg']);
    expect(messages).toContain('shutting down: completing subscriptions and releasing the cameras');
    expect(messages.at(-1)).toBe('stopped');
  });

  it('on SIGINT: the process exits 0 within 5 s', async () => {
    const server = run(['serve', '--port', '0', '--camera', 'cam=synthetic:160x120']);
    const { url } = await listening(server);
    const frames = wsSubscribe<{ frames: Frame }>(wsClient(`${url.replace(/^http/, 'ws')}/graphql`), FramesDocument.toString());
    await next(frames);
    const signalled = performance.now();
    server.child.kill('SIGINT');
    const { code, at } = await server.exited;
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(5000);
  });
});
