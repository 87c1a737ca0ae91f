/**
 * The PSNR of a received stream against its source, by ffmpeg's psnr filter:
 * the received pictures (a file of concatenated JPEGs, or an Annex-B H.264
 * elementary stream) decoded by ffmpeg, against exactly the source frames
 * they were made of (picked out of the source file by index), one to one.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { requireMediaTool } from '@servercam/core';

export interface Psnr {
  /** ffmpeg's `average` over the frames, of R, G and B together, dB. */
  readonly average: number;
  /** The worst frame's. */
  readonly min: number;
  readonly frames: number;
}

/** `select` expression for frame indices: runs of consecutive indices become `between(n,a,b)`. */
function selectExpression(indices: readonly number[]): string {
  const parts: string[] = [];
  let start = indices[0]!;
  let end = start;
  for (const index of [...indices.slice(1), Number.NaN]) {
    if (index === end + 1) {
      end = index;
      continue;
    }
    parts.push(start === end ? `eq(n\\,${start})` : `between(n\\,${start}\\,${end})`);
    start = end = index;
  }
  return parts.join('+');
}

/**
 * PSNR of `received` (ffmpeg input format `format`: `mjpeg` or `h264`)
 * against the frames `indices` (ascending, 0-based) of `source`.
 */
export function psnr(received: string, format: 'mjpeg' | 'h264', source: string, indices: readonly number[]): Psnr {
  if (indices.length === 0) throw new Error('psnr: no frame to compare');
  // Compared as RGB, the pixels the camera had (OpenCV decodes the file to BGR through the same swscale
  // conversion): in YUV, the JPEG's full range and the source's limited range alone would cost dBs.
  // Frame-numbered timestamps on both sides, so that the filter pairs frame k with frame k.
  const filter = [
    `[0:v]format=rgb24,setpts=N/(30*TB)[received]`,
    `[1:v]select='${selectExpression(indices)}',format=rgb24,setpts=N/(30*TB)[source]`,
    `[received][source]psnr=stats_file=-`,
  ].join(';');
  const result = spawnSync(
    requireMediaTool('ffmpeg').path,
    ['-hide_banner', '-nostats', '-f', format, '-i', received, '-i', source, '-filter_complex', filter, '-f', 'null', '-'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`ffmpeg psnr failed (${result.status}): ${result.stderr.slice(-800)}`);
  // stats_file=- writes one line per frame: "n:1 mse_avg:… psnr_avg:31.2 …" (inf where identical).
  const perFrame = [...result.stdout.matchAll(/psnr_avg:(\S+)/g)].map((match) => (match[1] === 'inf' ? 100 : Number(match[1])));
  const average = /PSNR .*average:(\S+)/.exec(result.stderr)?.[1];
  if (perFrame.length === 0 || average === undefined) throw new Error(`ffmpeg psnr gave no figure: ${result.stderr.slice(-800)}`);
  return { average: average === 'inf' ? 100 : Number(average), min: Math.min(...perFrame), frames: perFrame.length };
}
