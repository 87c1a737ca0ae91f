/**
 * `servercam capture` and `servercam gateway` as real processes (the built
 * dist/cli.js) on a real redis-server: the command line's checks, /healthz of
 * each role, a frame through the gateway, and SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';
import { type CliProcess, freePort, SERVER_CLI as cli, spawnCli, until } from '@servercam/testing';

const children: CliProcess[] = [];
let redis: RedisProcess | undefined;

function start(args: string[]): CliProcess {
  const child = spawnCli([...args, '--log-level', 'warn']);
  children.push(child);
  return child;
}


async function healthz(port: number): Promise<Record<string, unknown> | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
  await redis?.stop();
});

describe('servercam capture / gateway: the command line', () => {
  it('a gateway without --redis is refused with exit code 2', () => {
    const result = spawnSync(process.execPath, [cli, 'gateway'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/needs --redis URL/);
  });

  it('a gateway with cameras of its own is refused with exit code 2', () => {
    const result = spawnSync(process.execPath, [cli, 'gateway', '--redis', 'redis://127.0.0.1:6379', '--camera', 'a=synthetic'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no camera of its own/);
  });

  it('a malformed --redis is refused with exit code 2, naming the flag', () => {
    const result = spawnSync(process.execPath, [cli, 'capture', '--redis', 'http://nope'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--redis/);
  });
});

(hasRedis ? describe : describe.skip)('servercam capture / gateway: real processes', () => {
  it('capture and gateway answer /healthz, the gateway serves a snapshot from the capture node, and both stop on SIGTERM', async () => {
    redis = await startRedis();
    const [capturePort, gatewayPort] = [await freePort(), await freePort()];
    const capture = start(['capture', '--redis', redis.url, '--port', String(capturePort), '--camera', 'cam=synthetic:320x240', '--isolation', 'worker']);
    const gateway = start(['gateway', '--redis', redis.url, '--port', String(gatewayPort)]);
    const captureHealth = await until(async () => {
      const body = await healthz(capturePort);
      return body?.['role'] === 'capture' && (body['bus'] as { redis?: { connected: boolean } } | undefined)?.redis?.connected ? body : undefined;
    }, 'the capture node', 30_000);
    expect((captureHealth['bus'] as { redis: { connected: boolean } }).redis.connected).toBe(true);
    const gatewayHealth = await until(async () => {
      const body = await healthz(gatewayPort);
      const cameras = body?.['cameras'] as Array<{ id: string; status: string }> | undefined;
      return cameras?.[0]?.status === 'LIVE' ? body : undefined;
    }, 'the gateway to see the camera live', 30_000);
    expect((gatewayHealth['cameras'] as Array<{ id: string }>).map((camera) => camera.id)).toEqual(['cam']);
    expect((gatewayHealth['bus'] as { captureNode: { reachable: boolean } }).captureNode.reachable).toBe(true);

    const snapshot = await fetch(`http://127.0.0.1:${gatewayPort}/cameras/cam/snapshot.jpg`);
    expect(snapshot.status).toBe(200);
    const bytes = new Uint8Array(await snapshot.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);

    const exits = await Promise.all([gateway.stop('SIGTERM'), capture.stop('SIGTERM')]);
    expect(exits.map((exit) => exit.code)).toEqual([0, 0]);
  }, 90_000);
});
