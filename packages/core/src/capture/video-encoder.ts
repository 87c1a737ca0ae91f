/**
 * One H.264 encoder: an ffmpeg child process (libx264) fed raw frames on
 * stdin, writing FLV on stdout (flv.ts says why not Annex B: FLV frames each
 * access unit, so a picture is out as soon as it is encoded).
 *
 * Settings: `-preset veryfast -tune zerolatency -threads 1` (no lookahead, no frame
 * delay), no B-frames, an IDR every 2 s of wall time (frames are timestamped
 * with the wall clock as they arrive, and `-force_key_frames` counts in those
 * seconds, so a thinned or slowed capture keeps the 2 s), CRF from `quality`
 * with a bitrate cap (`rateControl`).
 * @module
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { VideoEncoderFailed, VideoEncoderUnavailable, type ServercamError } from '../errors.ts';
import { parseAvcc } from '../h264/avcc.ts';
import { FlvVideoReader } from '../h264/flv.ts';
import { parseSps } from '../h264/sps.ts';
import type { RawImage } from '../backends/backend.ts';
import { VIDEO_KEYFRAME_INTERVAL_MS } from '../video.ts';

export interface EncoderConfig {
  readonly width: number;
  readonly height: number;
  readonly pixelFormat: RawImage['pixelFormat'];
  /** libx264's constant rate factor. */
  readonly crf: number;
  /** The bitrate cap, kbit/s (VBV maxrate; the buffer holds one second of it). */
  readonly maxrateKbps: number;
}

/** An encoded picture, as the encoder gives it. */
export interface EncodedPicture {
  readonly seq: number;
  readonly capturedAt: number;
  readonly keyframe: boolean;
  readonly codec: string;
  readonly description: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface EncoderEvents {
  picture(picture: EncodedPicture): void;
  /** Called at most once; the encoder is gone. */
  error(error: ServercamError): void;
}

/**
 * Maps `quality` (1–100, as for JPEG) to CRF and a bitrate cap:
 * CRF = 18 + (100 − quality) / 2, clamped to 18–51 (quality 80 → CRF 28,
 * within 0.5 dB PSNR of JPEG q80 on a camera scene; 100 → 18, near lossless
 * to the eye), and a cap of 0.1 bit per pixel per frame at the variant's
 * rate (30 fps when the rate is not limited): 2.8 Mbit/s for 720p30.
 */
export function rateControl(quality: number, width: number, height: number, fps: number): { crf: number; maxrateKbps: number } {
  const crf = Math.min(51, Math.max(18, Math.round(18 + (100 - quality) / 2)));
  const rate = fps > 0 && Number.isFinite(fps) ? Math.min(fps, 60) : 30;
  return { crf, maxrateKbps: Math.max(100, Math.round((width * height * rate * 0.1) / 1000)) };
}

export function encoderArgs(config: EncoderConfig): string[] {
  const evenSize = config.width % 2 === 0 && config.height % 2 === 0;
  return [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'rawvideo', '-pix_fmt', config.pixelFormat, '-s', `${config.width}x${config.height}`,
    '-use_wallclock_as_timestamps', '1', '-i', 'pipe:0',
    '-an',
    ...(evenSize ? [] : ['-vf', 'crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0']),
    // One encoding thread: zerolatency's sliced threads cost more CPU in all (and about 25 % more
    // bytes) for a few ms less latency on a 720p frame; the capture side has the other cores' work.
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-bf', '0', '-threads', '1',
    '-g', '100000', '-force_key_frames', `expr:gte(t,n_forced*${VIDEO_KEYFRAME_INTERVAL_MS / 1000})`,
    // The RGB/BGR → 4:2:0 conversion (yuv420p input needs none), with accurate rounding: swscale's
    // fast default caps PSNR near 40 dB whatever the CRF (measured: bicubic 39.8 dB,
    // bicubic+accurate_rnd 44.7, area+accurate_rnd 46.1 at CRF 28 on the camera-like scene), for
    // about 1 ms more a 720p frame.
    '-sws_flags', 'area+accurate_rnd',
    // The pictures are BT.601 limited range (ffmpeg's RGB/BGR conversion, and OpenCV's I420): say so
    // in the stream, or decoders that assume BT.709 for untagged HD (Chromium's WebCodecs) shift the colours.
    '-pix_fmt', 'yuv420p', '-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv',
    '-crf', String(config.crf),
    '-maxrate', `${config.maxrateKbps}k`, '-bufsize', `${config.maxrateKbps}k`,
    '-vsync', 'passthrough',
    '-flush_packets', '1', '-flvflags', 'no_duration_filesize', '-f', 'flv', 'pipe:1',
  ];
}

const STDERR_TAIL = 2000;

export class H264Encoder {
  readonly config: EncoderConfig;
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #events: EncoderEvents;
  readonly #reader = new FlvVideoReader();
  /** The frames written and not yet given back, in order: one picture comes out per frame in. */
  readonly #inFlight: Array<{ seq: number; capturedAt: number }> = [];
  #config: { codec: string; description: Uint8Array; width: number; height: number } | undefined;
  #stderr = '';
  #closing = false;
  #failed = false;
  #pictures = 0;
  readonly #exited: Promise<void>;

  constructor(ffmpeg: string, config: EncoderConfig, events: EncoderEvents) {
    this.config = config;
    this.#events = events;
    this.#child = spawn(ffmpeg, encoderArgs(config), { stdio: ['pipe', 'pipe', 'pipe'] });
    const child = this.#child;
    this.#exited = new Promise((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    child.once('error', (error: Error & { code?: string }) => {
      // The spawn itself failed: no such file, not executable.
      this.#fail(new VideoEncoderUnavailable(
        `The H.264 encoder could not be started (${ffmpeg}: ${error.code ?? error.message}): install ffmpeg with libx264 ` +
          '(Debian/Ubuntu: apt-get install ffmpeg), or set SERVERCAM_FFMPEG to its path',
        { cause: error },
      ));
    });
    child.stdin.on('error', () => {
      // EPIPE when the encoder died: its exit reports it.
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL);
    });
    child.stdout.on('data', (chunk: Buffer) => this.#onOutput(chunk));
    child.once('exit', (code, signal) => {
      if (this.#closing) return;
      const detail = this.#stderr.trim();
      const missingX264 = /Unknown encoder 'libx264'|Encoder not found/.test(detail);
      const message = `The H.264 encoder (ffmpeg, pid ${child.pid}) stopped ${signal ? `by ${signal}` : `with code ${code}`}` +
        (detail ? `: ${detail.split('\n').slice(-3).join(' ')}` : '');
      this.#fail(missingX264
        ? new VideoEncoderUnavailable(`${message}. Install an ffmpeg built with libx264 (Debian/Ubuntu: apt-get install ffmpeg)`)
        : new VideoEncoderFailed(message));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Pictures given back so far. */
  get pictures(): number {
    return this.#pictures;
  }

  /**
   * Writes one raw frame. Returns false, writing nothing, while more than a
   * frame is still waiting in the pipe (the encoder is behind): the frame is
   * skipped for this variant, as a slow JPEG consumer gets the newest frame.
   */
  write(raw: Uint8Array, seq: number, capturedAt: number): boolean {
    if (this.#closing || this.#failed) return false;
    const stdin = this.#child.stdin;
    if (stdin.writableLength > raw.byteLength || stdin.destroyed) return false;
    this.#inFlight.push({ seq, capturedAt });
    stdin.write(raw);
    return true;
  }

  /** Stops the process; resolves once it has exited. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#child.stdin.destroy();
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #onOutput(chunk: Buffer): void {
    if (this.#failed || this.#closing) return;
    try {
      for (const tag of this.#reader.push(chunk)) {
        if (tag.kind === 'config') {
          const record = parseAvcc(tag.avcc);
          const sps = record.sps[0];
          if (!sps) throw new Error('the avcC record has no SPS');
          const info = parseSps(sps);
          // A copy: the record is a view into a pipe chunk.
          this.#config = { codec: info.codec, description: tag.avcc.slice(), width: info.width, height: info.height };
          continue;
        }
        const config = this.#config;
        if (!config) throw new Error('a picture came before the AVC sequence header');
        const frame = this.#inFlight.shift();
        if (!frame) throw new Error('the encoder gave more pictures than frames');
        this.#pictures++;
        // The FLV tag's frame type says IDR (ffmpeg's muxer sets it from the packet's key flag).
        this.#events.picture({ ...frame, keyframe: tag.keyframe, ...config, data: tag.data });
      }
    } catch (error) {
      this.#fail(new VideoEncoderFailed(`The H.264 encoder's output could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      this.#closing = true;
      this.#child.kill('SIGKILL');
    }
  }

  #fail(error: ServercamError): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#events.error(error);
  }
}
