/**
 * The command line and the config file: parsing, validation naming the key,
 * and flags overriding the file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, mergeConfig, parseCommandLine, parseConfig } from '../src/index.ts';
import { tempDir } from './helpers/media.ts';
import { configError } from './helpers/config-error.ts';


describe('servercam serve flags', () => {
  it('parses every flag', () => {
    const command = parseCommandLine(
      ['serve', '--host', '0.0.0.0', '--port', '8080', '--camera', 'desk=0', '--camera', 'clip=videos/a.mp4', '--camera', 'test=synthetic:640x480@15',
        '--fps', '12.5', '--quality', '70', '--ui-dir', 'web', '--log-level', 'debug', '--config', 'servercam.json'],
      '/srv',
    );
    expect(command).toEqual({
      command: 'serve',
      configFile: 'servercam.json',
      flags: {
        host: '0.0.0.0',
        port: 8080,
        fps: 12.5,
        quality: 70,
        logLevel: 'debug',
        uiDir: '/srv/web',
        cameras: [
          { id: 'desk', source: 0 },
          { id: 'clip', source: '/srv/videos/a.mp4' },
          { id: 'test', source: 'synthetic:640x480@15' },
        ],
      },
    });
  });

  it('keeps everything after the first "=" as the source (URLs with queries)', () => {
    const command = parseCommandLine(['serve', '--camera', 'gate=rtsp://user:pw@10.0.0.5/stream?channel=1']);
    expect(command.command === 'serve' && command.flags.cameras).toEqual([{ id: 'gate', source: 'rtsp://user:pw@10.0.0.5/stream?channel=1' }]);
  });

  it.each([
    [['serve', '--port', 'http'], '--port'],
    [['serve', '--port', '70000'], '--port'],
    [['serve', '--fps=-2'], '--fps'],
    [['serve', '--quality', '0'], '--quality'],
    [['serve', '--camera', 'no-equals-sign'], '--camera'],
    [['serve', '--camera', 'bad id=0'], '--camera'],
    [['serve', '--camera', 'a=0', '--camera', 'a=1'], '--camera'],
    [['serve', '--camera', 'a=synthetic:1x1'], '--camera'],
    [['serve', '--log-level', 'loud'], '--log-level'],
    [['serve', '--colour'], '(arguments)'],
    [['film'], '(command)'],
  ])('refuses %j naming %s', (argv, key) => {
    const error = configError(() => parseCommandLine(argv));
    expect(error.key).toBe(key);
    expect(error.message).toContain(key.startsWith('--') ? key : '');
  });

  it('gives help for no command, help or --help', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help' });
    expect(parseCommandLine(['help'])).toEqual({ command: 'help' });
    expect(parseCommandLine(['serve', '--help'])).toEqual({ command: 'help' });
  });
});

describe('config file', () => {
  it('reads cameras with labels, fps, quality, host and port; file paths relative to the file', async () => {
    const file = join(tempDir, 'good.json');
    writeFileSync(file, JSON.stringify({
      host: '127.0.0.2', port: 4100, fps: 15, quality: 60,
      cameras: [{ id: 'desk', label: 'Desk', source: 0 }, { id: 'clip', source: 'clips/a.mp4', loop: false, realtime: true }],
    }));
    expect(await loadConfigFile(file)).toEqual({
      host: '127.0.0.2', port: 4100, fps: 15, quality: 60,
      cameras: [{ id: 'desk', label: 'Desk', source: 0 }, { id: 'clip', source: join(tempDir, 'clips/a.mp4'), loop: false, realtime: true }],
    });
  });

  it.each([
    [{ port: '4000' }, 'port'],
    [{ fps: -1 }, 'fps'],
    [{ quality: 101 }, 'quality'],
    [{ qualty: 80 }, 'qualty'],
    [{ cameras: [] }, 'cameras'],
    [{ cameras: [{ id: 'a' }] }, 'cameras[0].source'],
    [{ cameras: [{ id: 'a', source: 0 }, { id: 'a', source: 1 }] }, 'cameras[1].id'],
    [{ cameras: [{ id: 'a', source: 0, lable: 'A' }] }, 'cameras[0].lable'],
    [{ cameras: [{ id: 'a', source: 'synthetic:big' }] }, 'cameras[0].source'],
    [{ cameras: [{ id: 'a', source: 0, loop: 'yes' }] }, 'cameras[0].loop'],
    [{ limits: { maxVariantsPerCamera: 65 } }, 'limits.maxVariantsPerCamera'],
    [{ limits: { maxVariantsPerCamera: 0 } }, 'limits.maxVariantsPerCamera'],
    [{ limits: { maxVideoVariantsPerCamera: 0 } }, 'limits.maxVideoVariantsPerCamera'],
    [{ limits: { maxVideoVariantsPerCamera: 65 } }, 'limits.maxVideoVariantsPerCamera'],
    [{ limits: { videoGopBytes: 1023 } }, 'limits.videoGopBytes'],
    [{ limits: { videoGopBytes: 4096.5 } }, 'limits.videoGopBytes'],
    [{ limits: { videoGopBytes: '8M' } }, 'limits.videoGopBytes'],
    [[1, 2], '(root)'],
  ])('refuses %j naming "%s"', (value, key) => {
    const error = configError(() => parseConfig(value, 'servercam.json', '/srv'));
    expect(error.key).toBe(key);
    expect(error.message).toContain(`Invalid config servercam.json: "${key}"`);
  });

  it('words the video limits\' bounds: videoGopBytes at least 1024, maxVideoVariantsPerCamera at most 64', () => {
    expect(configError(() => parseConfig({ limits: { videoGopBytes: 1000 } }, 'servercam.json', '/srv')).message)
      .toBe('Invalid config servercam.json: "limits.videoGopBytes" must be a whole number of at least 1024, got 1000');
    expect(configError(() => parseConfig({ limits: { maxVideoVariantsPerCamera: 100 } }, 'servercam.json', '/srv')).message)
      .toBe('Invalid config servercam.json: "limits.maxVideoVariantsPerCamera" must be at most 64, got 100');
    expect(parseConfig({ limits: { videoGopBytes: 1024, maxVideoVariantsPerCamera: 64 } }, 'servercam.json', '/srv').limits)
      .toEqual({ videoGopBytes: 1024, maxVideoVariantsPerCamera: 64 });
  });

  it('reads videoStandby as a boolean, and refuses anything else naming the key', () => {
    expect(parseConfig({ videoStandby: false }, 'servercam.json', '/srv').videoStandby).toBe(false);
    expect(configError(() => parseConfig({ videoStandby: 'no' }, 'servercam.json', '/srv')).message)
      .toMatch(/^Invalid config servercam\.json: "videoStandby" /);
  });

  it('refuses a file that is not JSON, saying so', async () => {
    const file = join(tempDir, 'broken.json');
    writeFileSync(file, '{ "port": 4000, }');
    await expect(loadConfigFile(file)).rejects.toThrow(/not valid JSON/);
  });

  it('flags override the file field by field, and --camera replaces its cameras', () => {
    const merged = mergeConfig(
      { host: '0.0.0.0', port: 4100, fps: 15, quality: 60, cameras: [{ id: 'desk', source: 0 }] },
      { port: 5000, fps: undefined, cameras: [{ id: 'test', source: 'synthetic' }] },
    );
    expect(merged).toEqual({ host: '0.0.0.0', port: 5000, fps: 15, quality: 60, cameras: [{ id: 'test', source: 'synthetic' }] });
  });
});

describe('allowed origins', () => {
  it('come from --allow-origin flags and the allowedOrigins key', () => {
    const command = parseCommandLine(['serve', '--allow-origin', 'http://localhost:5173', '--allow-origin', 'https://cams.example']);
    expect(command.command === 'serve' && command.flags.allowedOrigins).toEqual(['http://localhost:5173', 'https://cams.example']);
    expect(parseConfig({ allowedOrigins: ['http://localhost:5173'] }, 'f.json', '/').allowedOrigins).toEqual(['http://localhost:5173']);
  });

  it.each(['localhost:5173', 'http://localhost:5173/', 'http://localhost:5173/app', '*'])('refuse %j, which is not an origin', (origin) => {
    expect(configError(() => parseCommandLine(['serve', '--allow-origin', origin])).key).toBe('--allow-origin');
    expect(configError(() => parseConfig({ allowedOrigins: [origin] }, 'f.json', '/')).key).toBe('allowedOrigins[0]');
  });
});
