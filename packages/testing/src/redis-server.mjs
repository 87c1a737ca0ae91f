/* @ts-self-types="./redis-server.d.mts" */
// A real `redis-server` (the system's: npm has none) on a loopback port, with
// no persistence, started and awaited until it answers PING. Plain JavaScript:
// the test kit (redis.ts) and the bench (run from dist/) both import it by path.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import process from 'node:process';

export const REDIS_SERVER = process.env['SERVERCAM_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** Whether there is a redis-server to run. */
export function hasRedisServer() {
  try {
    accessSync(REDIS_SERVER, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function answers(port) {
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

/** Kills `child` (SIGKILL: a crash, not a shutdown) and waits for its exit. */
export function killRedisServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/**
 * Starts redis-server on `port` and resolves when it answers PING (10 s at
 * most, else it is killed and this rejects). `onSpawn` sees the child at once,
 * before it answers (the test kit owns it from there).
 */
export async function spawnRedisServer(port, { onSpawn } = {}) {
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  onSpawn?.(child);
  const end = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > end || child.exitCode !== null) {
      await killRedisServer(child);
      throw new Error(`redis-server did not answer on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return child;
}
