/**
 * Real video players, headless, on a live URL: Debian's `ffplay` (package
 * `ffmpeg`) and VLC's `cvlc` (packages `vlc-bin vlc-plugin-base`). Each tells
 * what it decoded: ffplay through its `showinfo` filter (one log line a frame),
 * VLC through its `scene` filter (one JPEG file a frame). Both are killed once
 * they have shown enough, or at the test file's end ({@link own}).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { own } from './children.ts';
import type { Requirement } from './requirements.mjs';

export type Player = 'ffplay' | 'cvlc';

/** Where each player is (`SERVERCAM_FFPLAY`, `SERVERCAM_CVLC` override). */
export const PLAYERS: Readonly<Record<Player, string>> = {
  ffplay: process.env['SERVERCAM_FFPLAY'] ?? '/usr/bin/ffplay',
  cvlc: process.env['SERVERCAM_CVLC'] ?? '/usr/bin/cvlc',
};

const INSTALL: Readonly<Record<Player, string>> = {
  ffplay: 'apt-get install ffmpeg   (Debian\'s ffmpeg package has ffplay)',
  cvlc: 'apt-get install --no-install-recommends vlc-bin vlc-plugin-base',
};

/** Whether the `player` tests of `where` run here; CI sets SERVERCAM_REQUIRE_PLAYERS=1, which makes a missing player an error. */
export function playerRequirement(player: Player, where: string): Requirement {
  let available = true;
  try {
    accessSync(PLAYERS[player], constants.X_OK);
  } catch {
    available = false;
  }
  return {
    group: `${player} tests of ${where}`,
    available,
    reason: available ? '' : `no ${player} at ${PLAYERS[player]}`,
    enable: INSTALL[player],
    requiredBy: 'SERVERCAM_REQUIRE_PLAYERS',
  };
}

/** One frame ffplay decoded, as its `showinfo` filter logged it. */
export interface ShownFrame {
  readonly n: number;
  readonly width: number;
  readonly height: number;
  readonly keyframe: boolean;
  /** The picture type: `I`, `P`, `B`. */
  readonly type: string;
  /** The picture's checksum (Adler-32 of its planes). */
  readonly checksum: string;
}

export interface PlayerRun<T> {
  readonly frames: T[];
  /** Lines the player logged at level error or fatal. */
  readonly errors: string[];
  /** Everything it logged, for a failure's message. */
  readonly log: string;
}

const SHOWINFO = /\[info\] n:\s*(\d+) .*? s:(\d+)x(\d+) .*?iskey:(\d) type:(\w) checksum:([0-9A-F]+)/;

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Plays `url` in ffplay with SDL's dummy video and audio drivers (no display)
 * until it has decoded `frames` frames, then stops it. Rejects when it exits
 * before, or has not within `timeoutMs`.
 */
export async function ffplayFrames(url: string, frames: number, timeoutMs = 30_000): Promise<PlayerRun<ShownFrame>> {
  const child = own(spawn(PLAYERS.ffplay, ['-autoexit', '-nostats', '-loglevel', 'level+info', '-vf', 'showinfo', url], {
    env: { ...process.env, SDL_VIDEODRIVER: 'dummy', SDL_AUDIODRIVER: 'dummy' },
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  const shown: ShownFrame[] = [];
  const errors: string[] = [];
  let log = '';
  let partial = '';
  const enough = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ffplay decoded ${shown.length} of ${frames} frames within ${timeoutMs} ms:\n${log.slice(-4000)}`)), timeoutMs);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      log += text;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (/\[(error|fatal)\]/.test(line)) errors.push(line);
        const match = SHOWINFO.exec(line);
        if (!match) continue;
        const [, n, width, height, key, type, checksum] = match;
        shown.push({ n: Number(n), width: Number(width), height: Number(height), keyframe: key === '1', type: type!, checksum: checksum! });
      }
      if (shown.length >= frames) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`ffplay exited (${code ?? signal}) after ${shown.length} of ${frames} frames:\n${log.slice(-4000)}`));
    });
  });
  try {
    await enough;
  } finally {
    child.kill('SIGTERM');
    await stopped(child);
  }
  return { frames: shown, errors, log };
}

/** A directory anyone may write: VLC runs as `nobody` when the tests run as root (it refuses root). */
function sharedDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  return dir;
}

/**
 * Plays `url` in VLC (`cvlc`, dummy video and audio outputs) with its `scene`
 * filter writing every decoded picture as a JPEG, until `pictures` are
 * written, then stops it. Returns the paths of the first `pictures`, in order,
 * and its verbose log (`-vv`). The JPEGs have the size of VLC's picture
 * buffers, which may be taller than the picture (320×258 for 320×240): the
 * log's `vsz WxH` says the visible size.
 * Rejects when it exits before, or has not within `timeoutMs`.
 */
export async function cvlcPictures(url: string, pictures: number, timeoutMs = 30_000): Promise<PlayerRun<string>> {
  const dir = sharedDir('servercam-vlc-');
  const home = sharedDir('servercam-vlc-home-');
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = own(spawn(PLAYERS.cvlc, [
    '--play-and-exit', '--run-time', String(Math.ceil(timeoutMs / 1000)), '--vout', 'dummy', '--aout', 'dummy', '--no-dbus', '-vv',
    '--video-filter', 'scene', '--scene-path', dir, '--scene-format', 'jpg', '--scene-ratio', '1', '--scene-prefix', 'picture-', '--no-scene-replace',
    url,
  ], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'ignore', 'pipe'], ...asNobody }));
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => void (log += text));
  // A file past the ones returned: the last of them is complete.
  const written = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.jpg')).sort();
  try {
    const deadline = Date.now() + timeoutMs;
    while (written().length <= pictures) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`cvlc exited (${child.exitCode ?? child.signalCode}) after ${written().length} of ${pictures} pictures:\n${log.slice(-4000)}`);
      if (Date.now() > deadline) throw new Error(`cvlc wrote ${written().length} of ${pictures} pictures within ${timeoutMs} ms:\n${log.slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    child.kill('SIGTERM');
    await stopped(child);
  }
  const errors = log.split('\n').filter((line) => / (decoder|demux|input|stream|avcodec) error: /.test(line));
  return { frames: written().slice(0, pictures).map((name) => join(dir, name)), errors, log };
}
