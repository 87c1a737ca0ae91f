/**
 * The pipeline scenario: runs the core's own benchmark
 * (packages/core/bench/pipeline.mjs: capture + encode through servercam's
 * worker against the limit, read + encode with nothing around it) in a child
 * process and returns its figures.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PipelineRow {
  readonly source: 'synthetic' | 'opencv-file' | 'opencv-file+motion' | 'synthetic-throttled';
  readonly size: string;
  readonly fps: number;
  /** The rate the camera reports (`measuredFps`) at the end of the run. */
  readonly measuredFps?: number;
  /** synthetic-throttled rows: the fps setting, and delivered fps / that setting. */
  readonly requestedFps?: number;
  readonly accuracy?: number;
  readonly limitFps?: number;
  readonly ratio?: number;
  readonly engine?: string;
  readonly motionMsPerFrame?: number;
  readonly costRatio?: number;
  readonly mainMsPerFrame: number;
  readonly processCpuMsPerFrame: number;
}

const CORE_DIR = fileURLToPath(new URL('../../packages/core/', import.meta.url));

export function runPipeline(seconds: number, sizes: readonly string[]): PipelineRow[] {
  const result = spawnSync(process.execPath, ['bench/pipeline.mjs', '--json', '--seconds', String(seconds), '--sizes', sizes.join(',')], {
    cwd: CORE_DIR,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`pipeline.mjs failed (${result.status}): ${result.stderr.slice(-2000)}`);
  const last = result.stdout.trim().split('\n').at(-1) ?? '[]';
  return JSON.parse(last) as PipelineRow[];
}
