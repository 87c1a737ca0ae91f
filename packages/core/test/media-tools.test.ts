import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MediaToolUnavailable } from '../src/errors.ts';
import { describeMediaTool, requireMediaTool, resolveMediaTool } from '../src/media-tools.ts';

const bin = mkdtempSync(join(tmpdir(), 'servercam-tools-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('resolveMediaTool', () => {
  it('falls back to the npm-shipped ffmpeg when PATH has none, and that ffmpeg has libx264', () => {
    const ffmpeg = resolveMediaTool('ffmpeg', { env: { PATH: '/nonexistent' } });
    expect(ffmpeg?.source).toBe('npm');
    expect(ffmpeg?.path).toContain('@ffmpeg-installer');
    const encoders = spawnSync(ffmpeg!.path, ['-hide_banner', '-encoders'], { encoding: 'utf8' });
    expect(encoders.stdout).toMatch(/\blibx264\b/);
  });

  it('falls back to the npm-shipped ffprobe when PATH has none', () => {
    const ffprobe = resolveMediaTool('ffprobe', { env: { PATH: '/nonexistent' } });
    expect(ffprobe?.source).toBe('npm');
    expect(spawnSync(ffprobe!.path, ['-version']).status).toBe(0);
  });

  it('prefers a binary on PATH to the npm one', () => {
    const npm = resolveMediaTool('ffmpeg', { env: { PATH: '' } })!;
    symlinkSync(npm.path, join(bin, 'ffmpeg'));
    const found = resolveMediaTool('ffmpeg', { env: { PATH: `/nonexistent:${bin}` } });
    expect(found).toEqual({ tool: 'ffmpeg', path: join(bin, 'ffmpeg'), source: 'system' });
  });

  it('prefers SERVERCAM_FFMPEG to everything', () => {
    const npm = resolveMediaTool('ffmpeg', { env: { PATH: '' } })!;
    const found = resolveMediaTool('ffmpeg', { env: { PATH: bin, SERVERCAM_FFMPEG: npm.path } });
    expect(found?.source).toBe('env');
    expect(describeMediaTool(found!)).toBe(`ffmpeg: ${npm.path} (from SERVERCAM_FFMPEG)`);
  });

  it('refuses a SERVERCAM_FFPROBE that is not an executable file, with a typed error', () => {
    expect(() => resolveMediaTool('ffprobe', { env: { SERVERCAM_FFPROBE: join(bin, 'missing') } })).toThrow(MediaToolUnavailable);
  });

  it('says what to install when there is none at all', () => {
    expect(resolveMediaTool('ffmpeg', { env: { PATH: '' }, npm: false })).toBeUndefined();
    expect(() => requireMediaTool('ffmpeg', { env: { PATH: '' }, npm: false })).toThrow(/apt-get install ffmpeg.*SERVERCAM_FFMPEG/);
  });
});
