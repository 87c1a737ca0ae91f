/**
 * A real `redis-server` on a free loopback port, with no persistence, owned
 * by the test file that starts it (started through redis-server.mjs, which
 * the bench shares).
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import { own } from './children.ts';
import { freePort } from './net.mjs';
import { hasRedisServer, killRedisServer, REDIS_SERVER, spawnRedisServer } from './redis-server.mjs';
import type { Requirement } from './requirements.mjs';

export { REDIS_SERVER };

/** Whether the Redis tests of `where` run here (see {@link runOrSkip}). */
export function redisRequirement(where: string): Requirement {
  const available = hasRedisServer();
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

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await killRedisServer(running);
  };
  const start = async (): Promise<void> => {
    await spawnRedisServer(port, { onSpawn: (spawned) => (child = own(spawned)) });
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}
