/**
 * Settings changed through updateStream persist to the state file (atomic:
 * temporary file plus rename) and survive a restart; a corrupt state file is
 * reported, moved aside, and never fatal.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadState } from '../src/index.ts';
import { closeAll, httpRequest, startServer, until } from './helpers/clients.ts';

afterEach(closeAll);

const cameras = [
  { id: 'a', source: 'synthetic:160x120@30' },
  { id: 'b', source: 'synthetic:320x240@30' },
];

it('keeps the settings changed through updateStream across a restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'servercam-state-'));
  const stateFile = join(dir, 'state.json');
  const first = await startServer({ cameras, stateFile });
  await httpRequest(first.url, 'mutation { updateStream(input: { fps: 7, quality: 42, activeCameraId: "b", paused: true }) { fps } }');
  await first.server.close();
  const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { settings: Record<string, unknown> };
  expect(saved.settings).toEqual({ paused: true, fps: 7, quality: 42, activeCameraId: 'b' });
  expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

  const second = await startServer({ cameras, stateFile });
  const result = await httpRequest<{ stream: Record<string, unknown> }>(second.url, '{ stream { paused fps quality activeCameraId } }');
  expect(result.data?.stream).toEqual({ paused: true, fps: 7, quality: 42, activeCameraId: 'b' });
});

it('sets a corrupt state file aside and starts from the configured settings', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'servercam-state-'));
  const stateFile = join(dir, 'state.json');
  await writeFile(stateFile, '{"version": 1, "settings": {"fps": ');
  const running = await startServer({ cameras, stateFile, fps: 12 });
  const result = await httpRequest<{ stream: { fps: number } }>(running.url, '{ stream { fps } }');
  expect(result.data?.stream.fps).toBe(12);
  const names = await readdir(dir);
  expect(names.some((name) => name.startsWith('state.json.corrupt-'))).toBe(true);
  // And the next change writes a good file again.
  await httpRequest(running.url, 'mutation { updateStream(input: { fps: 9 }) { fps } }');
  await until(async () => (await loadState(stateFile)).kind === 'loaded', 'the state file rewritten');
});

it('skips a saved camera that is no longer configured, keeping the rest', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'servercam-state-'));
  const stateFile = join(dir, 'state.json');
  await writeFile(stateFile, JSON.stringify({ version: 1, settings: { paused: false, fps: 5, quality: 33, activeCameraId: 'gone' } }));
  const running = await startServer({ cameras, stateFile });
  const result = await httpRequest<{ stream: Record<string, unknown> }>(running.url, '{ stream { fps quality activeCameraId } }');
  expect(result.data?.stream).toEqual({ fps: 5, quality: 33, activeCameraId: 'a' });
});
