/** The config of motion detection and recordings: valid settings pass, each invalid one is named. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';
import { parseCommandLine } from '../src/args.ts';

const parse = (value: unknown) => parseConfig(value, '/etc/servercam.json', '/etc');

function problemKey(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.key;
    throw error;
  }
  throw new Error('no error');
}

describe('motion and events config', () => {
  it('takes motion per camera, dataDir (relative to the file) and events', () => {
    const config = parse({
      dataDir: 'data',
      events: { maxAgeDays: 7, maxSizeMB: 100, preRollSeconds: 2, clipMaxWidth: 960, clipFormat: 'avi' },
      cameras: [
        { id: 'yard', source: 'synthetic', motion: { sensitivity: 0.7, minArea: 0.01, quietSeconds: 2, engine: 'pure', mask: [{ x: 0, y: 0, width: 0.5, height: 0.1 }] } },
        { id: 'door', source: 'synthetic', motion: true },
        { id: 'hall', source: 'synthetic', motion: false },
      ],
    });
    expect(config.dataDir).toBe('/etc/data');
    expect(config.events).toEqual({ maxAgeDays: 7, maxBytes: 100 * 1024 * 1024, preRollSeconds: 2, clipMaxWidth: 960, clipFormat: 'avi' });
    expect(config.cameras![0]!.motion).toEqual({ sensitivity: 0.7, minArea: 0.01, quietSeconds: 2, engine: 'pure', mask: [{ x: 0, y: 0, width: 0.5, height: 0.1 }] });
    expect(config.cameras![1]!.motion).toEqual({});
    expect(config.cameras![2]!.motion).toBeUndefined();
  });

  it.each([
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: 'yes' }] }, 'cameras[0].motion'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { sensitivity: 2 } }] }, 'cameras[0].motion.sensitivity'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { minArea: 0 } }] }, 'cameras[0].motion.minArea'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { quietSeconds: -1 } }] }, 'cameras[0].motion.quietSeconds'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { detectWidth: 10 } }] }, 'cameras[0].motion.detectWidth'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { engine: 'gpu' } }] }, 'cameras[0].motion.engine'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { mask: [{ x: 0, y: 0, width: 2, height: 1 }] } }] }, 'cameras[0].motion.mask[0].width'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { mask: [{ x: 0, y: 0, width: 1 }] } }] }, 'cameras[0].motion.mask[0].height'],
    [{ cameras: [{ id: 'a', source: 'synthetic', motion: { threshold: 1 } }] }, 'cameras[0].motion.threshold'],
    [{ dataDir: '' }, 'dataDir'],
    [{ events: { maxAgeDays: -1 } }, 'events.maxAgeDays'],
    [{ events: { maxSizeMB: 'big' } }, 'events.maxSizeMB'],
    [{ events: { preRollSeconds: 60 } }, 'events.preRollSeconds'],
    [{ events: { clipFormat: 'webm' } }, 'events.clipFormat'],
    [{ events: { keep: 1 } }, 'events.keep'],
  ])('names the invalid key: %j → %s', (value, key) => {
    expect(problemKey(value)).toBe(key);
  });

  it('takes --data-dir, relative to the working directory', () => {
    const command = parseCommandLine(['serve', '--data-dir', 'recordings'], '/srv');
    expect(command.command === 'serve' && command.flags.dataDir).toBe('/srv/recordings');
  });
});
