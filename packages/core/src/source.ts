/**
 * Camera sources: what a camera reads from, parsed from the string a server's
 * configuration gives. Sources come only from configuration, never from a client.
 * @module
 */
import type { SourceCredentials } from './credentials.ts';

/** Which backend captures a source. */
export type BackendName = 'opencv' | 'synthetic';

export type SourceSpec =
  | { kind: 'device'; backend: 'opencv'; device: number | string; text: string }
  | { kind: 'file'; backend: 'opencv'; path: string; text: string }
  /** `credentials`: the camera's, given apart from the URL (see credentials.ts); never in `url` or `text`. */
  | { kind: 'url'; backend: 'opencv'; url: string; text: string; credentials?: SourceCredentials | undefined }
  | { kind: 'synthetic'; backend: 'synthetic'; width: number; height: number; fps: number; text: string };

export const SYNTHETIC_DEFAULTS = { width: 1280, height: 720, fps: 30 } as const;
const SYNTHETIC = /^synthetic(?::(\d+)x(\d+))?(?:@(\d+(?:\.\d+)?))?$/;
const URL_SCHEMES = /^(rtsp|rtsps|http|https):\/\//i;

/**
 * Parses a source string:
 * - `0`, `1`, …: a device index; `/dev/video2`: a device path
 * - `rtsp://…`, `http://…`, `https://…`: a network stream
 * - `synthetic`, `synthetic:640x480`, `synthetic:640x480@15`: a moving test pattern
 * - anything else: a video file path
 *
 * @throws {TypeError} for an empty string or a malformed `synthetic:` source.
 */
export function parseSource(source: string | number): SourceSpec {
  const text = String(source).trim();
  if (text === '') throw new TypeError('A camera source may not be empty');
  if (/^\d+$/.test(text)) return { kind: 'device', backend: 'opencv', device: Number(text), text };
  if (text.startsWith('synthetic')) {
    const match = SYNTHETIC.exec(text);
    if (!match) throw new TypeError(`Malformed synthetic source "${text}": use synthetic, synthetic:WIDTHxHEIGHT or synthetic:WIDTHxHEIGHT@FPS`);
    const width = match[1] ? Number(match[1]) : SYNTHETIC_DEFAULTS.width;
    const height = match[2] ? Number(match[2]) : SYNTHETIC_DEFAULTS.height;
    const fps = match[3] ? Number(match[3]) : SYNTHETIC_DEFAULTS.fps;
    if (width < 16 || height < 16 || width > 7680 || height > 4320) {
      throw new TypeError(`Synthetic size ${width}x${height} is out of range (16x16 to 7680x4320)`);
    }
    if (!(fps > 0 && fps <= 240)) throw new TypeError(`Synthetic fps ${fps} is out of range (0 < fps <= 240)`);
    return { kind: 'synthetic', backend: 'synthetic', width, height, fps, text };
  }
  if (URL_SCHEMES.test(text)) return { kind: 'url', backend: 'opencv', url: text, text };
  if (/^\/dev\/video\d+$/.test(text)) return { kind: 'device', backend: 'opencv', device: text, text };
  return { kind: 'file', backend: 'opencv', path: text, text };
}
