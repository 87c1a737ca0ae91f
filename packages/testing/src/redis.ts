/**
 * A real `redis-server` (the system's: npm has none) on a free loopback port,
 * with no persistence, owned by the test file that starts it.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import process from 'node:process';
import { own } from './children.ts';
import { isExecutable } from './files.ts';
import { freePort } from './net.ts';
import { type Requirement, runOrSkip } from './requirements.ts';

export const REDIS_SERVER = process.env['SERVERCAM_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** Whether the Redis tests of `where` run here (see {@link runOrSkip}). */
export function redisRequirement(where: string): Requirement {
  const available = isExecutable(REDIS_SERVER);
  return {
    group: `Redis (scale-out) tests of ${where}`,
    available,
    reason: available ? '' : `no redis-server at ${REDIS_SERVER}`,
    enable: 'apt-get install redis-server',
    requiredBy: 'SERVERCAM_REQUIRE_REDIS',
  };
}

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL: a crash, not a shutdown). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  const start = async (): Promise<void> => {
    child = own(spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    const end = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (Date.now() > end) {
        await stop();
        throw new Error(`redis-server did not answer on port ${port}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}
