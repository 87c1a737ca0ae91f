/**
 * The process guard of the CLI roles (src/process-guard.ts) in a real process
 * (test/fixtures/guarded-server.mjs, on the built dist/): an error escaping
 * one request closes that request's connection and is logged, the process
 * goes on; an error outside any request is logged as fatal and exits 1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './helpers/clients.ts';
import { rawRequest, requestHead } from './helpers/raw-http.ts';
import { own } from '@servercam/testing';

const fixture = fileURLToPath(new URL('./fixtures/guarded-server.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/process-guard.js', import.meta.url));
if (!existsSync(dist)) throw new Error(`${dist} is missing: run "pnpm --filter @servercam/server build" first`);

interface Guarded {
  readonly child: ChildProcess;
  readonly port: number;
  /** Parsed JSON log lines so far. */
  readonly logs: Array<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startGuarded(): Promise<Guarded> {
  const child = own(spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] }));
  started.push(child);
  const logs: Array<Record<string, unknown>> = [];
  let port = 0;
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed['port'] === 'number') port = parsed['port'];
      else logs.push(parsed);
    }
  });
  child.stderr!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  await until(() => port, 'the guarded server to listen');
  return { child, port, logs, exited };
}

const get = (port: number, target: string) => rawRequest(port, requestHead('GET', target, [['Connection', 'close']]), { timeoutMs: 5000 });

describe('the process guard', () => {
  it('an error thrown by a request’s timer closes that connection only: the process answers the next request', async () => {
    const server = await startGuarded();
    expect((await get(server.port, '/throw')).status).toBe(0);
    expect((await get(server.port, '/ok')).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });

  it('an error thrown by a request’s timer is logged at error level with the request’s method and path, not its query', async () => {
    const server = await startGuarded();
    await get(server.port, '/throw?token=secret-in-query');
    const line = await until(() => server.logs.find((log) => log['component'] === 'process'), 'the guard’s log line');
    expect(line).toMatchObject({ level: 50, origin: 'uncaughtException', kind: 'request', method: 'GET', path: '/throw', err: { message: 'a bug in one request' } });
    expect(JSON.stringify(line)).not.toContain('secret-in-query');
  });

  it('an error in a share-link request is logged with the link’s path redacted, never its secret', async () => {
    const server = await startGuarded();
    await get(server.port, '/share/scl1.AbCd.cam.1796428800.secret-mac-value');
    const line = await until(() => server.logs.find((log) => log['component'] === 'process'), 'the guard’s log line');
    expect(line).toMatchObject({ level: 50, kind: 'request', path: '/share/***' });
    expect(JSON.stringify(line)).not.toContain('secret-mac-value');
  });

  it('a promise rejected in a request is logged and the process goes on', async () => {
    const server = await startGuarded();
    await get(server.port, '/reject');
    const line = await until(() => server.logs.find((log) => log['component'] === 'process'), 'the guard’s log line');
    expect(line).toMatchObject({ level: 50, origin: 'unhandledRejection', path: '/reject' });
    expect((await get(server.port, '/ok')).status).toBe(200);
  });

  it('an error outside any request is logged as fatal and the process exits with code 1', async () => {
    const server = await startGuarded();
    server.child.kill('SIGUSR2');
    expect(await server.exited).toBe(1);
    expect(server.logs.find((log) => log['component'] === 'process')).toMatchObject({ level: 60, origin: 'uncaughtException', err: { message: 'a bug outside any request' } });
  });
});
