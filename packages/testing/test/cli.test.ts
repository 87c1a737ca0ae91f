/** The CLI as a child process (the built apps/server/dist/cli.js): waiting for /healthz and the banner. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { afterAll, expect, it } from 'vitest';
import { type CliProcess, freePort, spawnCli, startCli, until, waitForBanner, waitForHealth } from '../src/index.ts';

const started: CliProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((cli) => cli.stop('SIGKILL')));
});

it('startCli resolves once /healthz answers, and stop() ends the process with exit code 0', async () => {
  const port = await freePort();
  const cli = await startCli(['serve', '--port', String(port), '--camera', 'a=synthetic:64x48', '--log-level', 'warn'], `http://127.0.0.1:${port}`, { ready: (status) => status === 200 });
  started.push(cli);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  expect((await cli.stop()).code).toBe(0);
});

it('waitForHealth rejects with what the process printed when it exits first', async () => {
  const cli = spawnCli(['serve', '--colour']);
  started.push(cli);
  await expect(waitForHealth('http://127.0.0.1:9', cli)).rejects.toThrow(/exited \(2\)[\s\S]*Unknown option '--colour'/);
});

it('waitForBanner gives the URL the server logged', async () => {
  const cli = spawnCli(['serve', '--port', '0', '--camera', 'a=synthetic:64x48', '--log-level', 'info']);
  started.push(cli);
  const { url } = await waitForBanner(cli);
  expect((await fetch(`${url}/healthz`)).ok).toBe(true);
});

it('gives a server role a temporary data directory of its own, removed once it has exited, never ./servercam-data', async () => {
  const port = await freePort();
  const cli = await startCli(['serve', '--port', String(port), '--camera', 'a=synthetic:64x48', '--log-level', 'warn'], `http://127.0.0.1:${port}`, { ready: (status) => status === 200 });
  started.push(cli);
  const dataDir = cli.dataDir!;
  expect(dataDir).toContain('servercam-cli-data-');
  expect(existsSync(join(dataDir, 'servercam.db'))).toBe(true);
  await cli.stop();
  await until(() => !existsSync(dataDir), 'the data directory removed');
  expect(existsSync(join(process.cwd(), 'servercam-data'))).toBe(false);
});
