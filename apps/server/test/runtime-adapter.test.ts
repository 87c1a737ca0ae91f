/**
 * The runtime adapter, as Node sees it: the CLI serves through `node:http`
 * and says so; the Deno adapter's module loads under Node (only Deno runs it)
 * and refuses to listen here with a clear error. The Deno adapter itself is
 * tested under Deno: runtime-tests/deno (`pnpm test:deno`).
 */
import { spawnCli, waitForBanner } from '@servercam/testing';
import { afterEach, expect, it } from 'vitest';
import { runtimeAdapter } from '../src/adapters/adapter.ts';
import { ServercamApp, silentLogger } from '../src/index.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("chooses node:http under Node", async () => {
  const adapter = await runtimeAdapter();
  expect(adapter.name).toBe('node:http');
});

it('the Deno adapter loads under Node and refuses to listen outside Deno', async () => {
  const { DENO_ADAPTER } = await import('../src/adapters/deno.ts');
  const app = new ServercamApp({ cameras: [{ id: 'cam', source: 'synthetic:160x120@10' }] });
  cleanups.push(() => app.close());
  await expect(DENO_ADAPTER.listen(app, { host: '127.0.0.1', port: 0 }, silentLogger())).rejects.toThrow(/runs in Deno only/);
});

it('the CLI logs which runtime adapter it runs', async () => {
  const cli = spawnCli(['serve', '--port', '0', '--isolation', 'worker', '--camera', 'cam=synthetic:160x120@10']);
  cleanups.push(() => cli.stop());
  await waitForBanner(cli);
  const line = cli.logLines().find((entry) => entry['adapter'] !== undefined);
  expect(line?.['adapter']).toBe('node:http');
  expect(line?.['msg']).toBe('runtime adapter: node:http and ws (adapters/node.ts)');
});
