/**
 * The orchestrator's tools: the server under test and the load generators as
 * child processes, and one measured run of N clients against a server.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type CameraStats, withCaptureMallocTunables } from '@servercam/core';
import type { FromLoad, FromServer, LoadResult, LoadSpec, ServerSpec, ServerStatsReply, ToServer, Transport } from './messages.ts';
import { mainThreadCpuSeconds, processCpuSeconds, processRssBytes, quantile } from './proc.ts';

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** How long after a server is ready its spare H.264 encoder has surely started (2 s of live capture, and ffmpeg's start). */
const SPARE_SETTLE_MS = 3500;

export class ServerUnderTest {
  readonly spec: ServerSpec;
  /** Its name in the results: the kind, or a role's own name ("gateway 1"). */
  readonly name: string;
  readonly #child: ChildProcess;
  readonly url: string;
  /** CPU of the idle server (capturing, no client), in cores. */
  idleCores = 0;
  readonly #readyAt = performance.now();

  private constructor(spec: ServerSpec, name: string, child: ChildProcess, url: string) {
    this.spec = spec;
    this.name = name;
    this.#child = child;
    this.url = url;
  }

  /**
   * Forks server-process.ts and waits for its `ready`.
   * @param options.cpuProfileDir where `node --cpu-prof` writes the server's profile when it exits
   */
  static async start(spec: ServerSpec, options: { readonly cpuProfileDir?: string | undefined; readonly name?: string } = {}): Promise<ServerUnderTest> {
    const { cpuProfileDir, name = spec.kind } = options;
    const child = fork(here('./server-process.js'), [JSON.stringify(spec)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [],
      // The servers capture in a worker thread of their own process: started with the allocator
      // settings the core gives its capture process (packages/core/src/host/malloc-env.ts).
      env: withCaptureMallocTunables(process.env),
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the ${name} server exited (${code}) before it was ready`)));
      child.on('message', (message: FromServer) => {
        if (message.type === 'ready') resolve(message.url);
      });
    });
    return new ServerUnderTest(spec, name, child, url);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  #post(message: ToServer): void {
    this.#child.send(message);
  }

  stats(): Promise<ServerStatsReply> {
    return new Promise((resolve) => {
      const onMessage = (message: FromServer): void => {
        if (message.type !== 'stats') return;
        this.#child.off('message', onMessage);
        resolve(message);
      };
      this.#child.on('message', onMessage);
      this.#post({ type: 'stats' });
    });
  }

  pause(paused: boolean): void {
    this.#post({ type: 'pause', paused });
  }

  /**
   * Measures the idle CPU: the camera's capture with no client. `withFullEncode`: with its full-size
   * JPEG made every frame, as JPEG viewers make it (a server makes it once a second while none
   * takes it), so that "net" is the fan-out alone.
   */
  async measureIdle(seconds: number, withFullEncode = false): Promise<void> {
    // Not before the capture side's spare H.264 encoder has started (2 s after the camera goes live,
    // packages/core/src/capture/video-encoders.ts): its start is a one-time cost, not the idle rate.
    const settle = this.#readyAt + SPARE_SETTLE_MS - performance.now();
    if (settle > 0) await sleep(settle);
    if (withFullEncode) {
      this.#post({ type: 'hold-full', hold: true });
      await sleep(500);
    }
    const cpu0 = processCpuSeconds(this.pid);
    await sleep(seconds * 1000);
    this.idleCores = (processCpuSeconds(this.pid) - cpu0) / seconds;
    if (withFullEncode) this.#post({ type: 'hold-full', hold: false });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.#post({ type: 'close' });
    await Promise.race([exited, sleep(5000)]);
    this.#child.kill('SIGKILL');
  }
}

export interface RunOptions {
  readonly transport: Transport;
  readonly clients: number;
  readonly stalled?: number;
  readonly maxWidths?: readonly number[];
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Sample the server's RSS during the window (slow clients). */
  readonly sampleRss?: boolean;
}

export interface RunResult {
  readonly server: string;
  readonly transport: Transport;
  readonly clients: number;
  readonly stalled: number;
  readonly seconds: number;
  /** Messages delivered to all reading clients in the window. */
  readonly delivered: number;
  readonly fpsMean: number;
  /** Bytes each reading client received a second, on average (the messages as sent: JSON with base64, or HTTP bodies). */
  readonly bytesPerClientSecond: number;
  readonly fpsMin: number;
  readonly p50: number;
  readonly p99: number;
  /** Server CPU over the window, in cores (1 = one core busy). */
  readonly serverCores: number;
  /** Server CPU per delivered frame, µs: all of it, and net of the idle capture. */
  readonly cpuPerFrameUs: number;
  readonly netCpuPerFrameUs: number;
  /**
   * The server's main thread alone per delivered frame, µs: the fan-out
   * (every viewer's message written), without capture, encoders or libuv's pool.
   */
  readonly mainThreadPerFrameUs: number;
  /** The server's main thread over the window, in cores. */
  readonly mainThreadCores: number;
  readonly loadCores: number;
  /** The server's idle CPU (capture, and `value` once a second; no client) subtracted for the net figure, in cores. */
  readonly idleCores: number;
  /** Frames the camera captured per second in the window. */
  readonly capturedFps: number;
  /** Encodes per captured frame, by variant key. */
  readonly encodesPerFrame: number;
  readonly encodesByVariant: Readonly<Record<string, number>>;
  readonly rssStart: number;
  readonly rssEnd: number;
  readonly rssMax: number;
  readonly framesDropped: number;
  readonly errors: string[];
}

function sum(stats: CameraStats[], pick: (s: CameraStats) => number): number {
  return stats.reduce((total, s) => total + pick(s), 0);
}

function spawnLoad(spec: LoadSpec): { child: ChildProcess; result: Promise<LoadResult> } {
  const child = fork(here('./load-process.js'), [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.on('message', (message: FromLoad) => {
      if (message.type === 'result') resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`a load process exited (${code}) without a result`)));
  });
  return { child, result };
}

/** One measured run: clients connect, warm up, then a window of `seconds` is measured on both sides. */
export async function run(server: ServerUnderTest, options: RunOptions): Promise<RunResult> {
  const stalled = options.stalled ?? 0;
  const total = options.clients + stalled;
  const processes = options.clients >= 100 ? 2 : 1;
  const from = Date.now() + 1500 + total * 8 + options.warmupSeconds * 1000;
  const to = from + options.seconds * 1000;
  const loads = Array.from({ length: processes }, (_, index) => {
    const share = Math.floor(options.clients / processes) + (index < options.clients % processes ? 1 : 0);
    return spawnLoad({
      transport: options.transport,
      url: server.url,
      clients: share,
      stalled: index === 0 ? stalled : 0,
      maxWidths: options.maxWidths ?? [],
      from,
      to,
    });
  });
  await sleep(from - Date.now());
  const cpu0 = processCpuSeconds(server.pid);
  const main0 = mainThreadCpuSeconds(server.pid);
  const stats0 = await server.stats();
  const rssStart = processRssBytes(server.pid);
  let rssMax = rssStart;
  const sampler = options.sampleRss
    ? setInterval(() => {
        rssMax = Math.max(rssMax, processRssBytes(server.pid));
      }, 500)
    : undefined;
  await sleep(to - Date.now());
  const cpu1 = processCpuSeconds(server.pid);
  const mainCpu = mainThreadCpuSeconds(server.pid) - main0;
  const rssEnd = processRssBytes(server.pid);
  if (sampler) clearInterval(sampler);
  const stats1 = await server.stats();
  const results = await Promise.all(loads.map((load) => load.result));
  const counts = results.flatMap((result) => result.counts);
  const latencies = results.flatMap((result) => result.latencies);
  const delivered = counts.reduce((a, b) => a + b, 0);
  const seconds = options.seconds;
  const serverCpu = cpu1 - cpu0;
  const captured = sum(stats1.cameras, (s) => s.captured) - sum(stats0.cameras, (s) => s.captured);
  const encodesByVariant: Record<string, number> = {};
  for (const camera of stats1.cameras) {
    const before = stats0.cameras.find((s) => s.cameraId === camera.cameraId);
    for (const [key, count] of Object.entries(camera.encodesByVariant)) {
      encodesByVariant[key] = (encodesByVariant[key] ?? 0) + (count - (before?.encodesByVariant[key] ?? 0));
    }
  }
  return {
    server: server.name,
    transport: options.transport,
    clients: options.clients,
    stalled,
    seconds,
    delivered,
    fpsMean: delivered / Math.max(1, counts.length) / seconds,
    bytesPerClientSecond: results.reduce((total, result) => total + result.bytes, 0) / Math.max(1, counts.length) / seconds,
    fpsMin: counts.length > 0 ? Math.min(...counts) / seconds : 0,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    serverCores: serverCpu / seconds,
    cpuPerFrameUs: delivered > 0 ? (serverCpu / delivered) * 1e6 : Number.NaN,
    netCpuPerFrameUs: delivered > 0 ? (Math.max(0, serverCpu - server.idleCores * seconds) / delivered) * 1e6 : Number.NaN,
    mainThreadPerFrameUs: delivered > 0 ? (mainCpu / delivered) * 1e6 : Number.NaN,
    mainThreadCores: mainCpu / seconds,
    idleCores: server.idleCores,
    loadCores: results.reduce((total, result) => total + result.cpuSeconds, 0) / seconds,
    capturedFps: captured / seconds,
    encodesPerFrame: captured > 0 ? (sum(stats1.cameras, (s) => s.encodes) - sum(stats0.cameras, (s) => s.encodes)) / captured : Number.NaN,
    encodesByVariant: Object.fromEntries(Object.entries(encodesByVariant).map(([key, count]) => [key, captured > 0 ? count / captured : 0])),
    rssStart,
    rssEnd,
    rssMax,
    framesDropped: stats1.framesDropped - stats0.framesDropped,
    errors: results.flatMap((result) => result.errors),
  };
}

export { sleep };
