/**
 * The video scenario of issue 15: H.264 beside JPEG in one run.
 * - Bytes per viewer-second and PSNR through the core's API (video-quality.ts),
 *   on a camera-like scene and on a busier H.264 file.
 * - N viewers over graphql-ws, `frames` (JPEG q80) against `video` (H.264), on
 *   one servercam process playing the camera-like scene, load generators in
 *   their own processes (harness.ts): server CPU per delivered frame (the
 *   encoder, a child of the server, included), fps per client, latency.
 * - Time to first picture for a new viewer (first-picture.ts).
 * Every figure carries the 1-minute load average when it was measured.
 * @module
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { probeOpenCv } from '../../packages/testing/src/opencv-probe.mjs';
import { recordSkip } from '../../packages/testing/src/requirements.mjs';
import { type FirstPictureResult, timeToFirstPicture } from './first-picture.ts';
import { run, type RunResult, ServerUnderTest, sleep } from './harness.ts';
import { measureQuality, type QualityRow } from './video-quality.ts';
import { makeScenes, type Scene } from './video-scenes.ts';

export interface VideoBenchOptions {
  readonly ns: readonly number[];
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly idleSeconds: number;
  /** The quality window per scene. */
  readonly qualitySeconds: number;
  /** Which scenes the bytes and PSNR are measured on (the smoke run takes the camera-like one only). */
  readonly qualityScenes: readonly string[];
  readonly firstPictureViewers: number;
  readonly workDir: string;
  /** The camera's `quality` for the N-viewer runs (JPEG q80 is the reference). */
  readonly quality: number;
  /** The `quality` settings the bytes and PSNR are measured at: the reference's, and higher ones, to find the H.264 that matches JPEG's PSNR. */
  readonly qualities: readonly number[];
}

/** Load average (1, 5, 15 min) when a figure was measured. */
type Load = readonly number[];

export interface VideoReport {
  readonly options: Omit<VideoBenchOptions, 'workDir'>;
  readonly scenes: ReadonlyArray<Omit<Scene, 'path'>>;
  /** The camera of the N-viewer runs. */
  readonly fanoutSource: string;
  readonly quality: ReadonlyArray<QualityRow & { readonly load: Load }>;
  readonly fanout: ReadonlyArray<RunResult & { readonly load: Load }>;
  readonly firstPicture: ReadonlyArray<FirstPictureResult & { readonly load: Load }>;
  /** Why a part did not run. */
  readonly skipped: string[];
  readonly errors: string[];
}

export async function runVideoBench(options: VideoBenchOptions, logLine: (line: string) => void): Promise<VideoReport> {
  const started = performance.now();
  const log = (line: string): void => logLine(`${line} [+${((performance.now() - started) / 1000).toFixed(0)} s]`);
  const skipped: string[] = [];
  const errors: string[] = [];
  const quality: Array<QualityRow & { load: Load }> = [];
  const fanout: Array<RunResult & { load: Load }> = [];
  const firstPicture: Array<FirstPictureResult & { load: Load }> = [];
  // The scene files outlast the window (the camera must not loop inside it): warm-up, then the window.
  const scenes = makeScenes(options.workDir, Math.ceil(options.qualitySeconds + 12));
  const opencv = probeOpenCv();
  if (!opencv.available) {
    // File cameras need OpenCV: no PSNR (it needs a known source), the N-viewer runs on the synthetic camera.
    const reason = `${opencv.reason}: the scene files cannot be played as cameras`;
    skipped.push(`bytes and PSNR (${reason})`);
    recordSkip({ group: 'The bytes and PSNR of the video benchmark (@servercam/bench)', reason, enable: 'pnpm setup:opencv' });
  } else {
    for (const scene of scenes.filter((s) => options.qualityScenes.includes(s.name))) {
      for (const setting of options.qualities) {
        const load = loadavg();
        try {
          const rows = await measureQuality(scene, options.qualitySeconds, setting, join(options.workDir, 'received'));
          for (const row of rows) {
            log(`video quality ${row.scene} ${row.format} quality ${row.quality}: ${((row.bytesPerViewerSecond * 8) / 1000).toFixed(0)} kbit/s per viewer, PSNR ${row.psnr.average.toFixed(2)} dB (min ${row.psnr.min.toFixed(2)}) over ${row.frames} frames (load ${load[0]!.toFixed(2)})`);
            quality.push({ ...row, load });
          }
        } catch (error) {
          errors.push(`quality ${scene.name} ${setting}: ${(error as Error).message}`);
        }
      }
    }
  }

  const cameraLike = scenes[0]!;
  const source = opencv.available ? cameraLike.path : `synthetic:${cameraLike.width}x${cameraLike.height}@${cameraLike.fps}`;
  const server = await ServerUnderTest.start({ kind: 'servercam', source, fps: cameraLike.fps, quality: options.quality });
  try {
    await sleep(1500);
    for (const n of options.ns) {
      for (const transport of ['graphql-ws', 'video'] as const) {
        // The idle cost (the capture, and the full-size JPEG made once a second while no client takes it) drifts with the machine's load: measured next to each run.
        await server.measureIdle(options.idleSeconds);
        const load = loadavg();
        // H.264 needs its encoder started (an ffmpeg process) before the window: 2 s more of warm-up.
        const warmupSeconds = options.warmupSeconds + (transport === 'video' ? 2 : 0);
        const result = await run(server, { transport, clients: n, warmupSeconds, seconds: options.seconds });
        log(`video fan-out ${transport === 'video' ? 'H.264' : 'JPEG'} N=${n}: ${result.fpsMean.toFixed(1)} fps/client (min ${result.fpsMin.toFixed(1)}), p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${(result.bytesPerClientSecond / 1000).toFixed(1)} kB/s per client, server ${(result.serverCores * 100).toFixed(0)}% CPU, ${result.cpuPerFrameUs.toFixed(1)} µs/frame, main thread ${(result.mainThreadCores * 100).toFixed(0)}% = ${result.mainThreadPerFrameUs.toFixed(1)} µs/frame (load ${load[0]!.toFixed(2)})`);
        if (result.delivered === 0) errors.push(`video fan-out ${transport} N=${n}: no message delivered`);
        if (result.errors.length > 0) errors.push(`video fan-out ${transport} N=${n}: ${result.errors.slice(0, 3).join('; ')}`);
        fanout.push({ ...result, load });
      }
    }
    for (const transport of ['graphql-ws', 'video'] as const) {
      const load = loadavg();
      const result = await timeToFirstPicture(server.url, transport, options.firstPictureViewers, 2500);
      log(`first picture ${transport === 'video' ? 'H.264' : 'JPEG'}: cold ${result.cold.map((ms) => ms.toFixed(0)).join(', ')} ms; warm ${result.warm.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      errors.push(...result.errors.map((error) => `first picture ${transport}: ${error}`));
      firstPicture.push({ ...result, load });
    }
  } finally {
    await server.close();
  }
  const { workDir: _workDir, ...shown } = options;
  return {
    options: shown,
    scenes: scenes.map(({ path: _path, ...scene }) => scene),
    fanoutSource: opencv.available ? `the camera-like scene (${cameraLike.width}×${cameraLike.height}, ${cameraLike.fps} fps file)` : `synthetic:${cameraLike.width}x${cameraLike.height}@${cameraLike.fps} (no OpenCV for the scene file)`,
    quality,
    fanout,
    firstPicture,
    skipped,
    errors,
  };
}
