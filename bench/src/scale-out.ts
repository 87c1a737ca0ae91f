/**
 * The scale-out scenario of issue 7: a real `redis-server`, one capture node
 * and two gateways, each in a process of its own, with N graphql-ws
 * subscribers on each gateway at once; beside it, one `servercam` process
 * with the same 2 × N subscribers. Reports delivered fps, latency p99 and CPU
 * per gateway (and the capture node's CPU). Written to
 * docs/benchmarks-scale-out.md (or the smoke run's directory).
 * @module
 */
// The test kit's plain modules, by path: the bench runs from dist/ and takes no TypeScript source at run time.
import { freePort } from '../../packages/testing/src/net.mjs';
import { hasRedisServer, killRedisServer, REDIS_SERVER, spawnRedisServer } from '../../packages/testing/src/redis-server.mjs';
import { recordSkip } from '../../packages/testing/src/requirements.mjs';
import { run, type RunResult, ServerUnderTest, sleep } from './harness.ts';
import { processCpuSeconds } from './proc.ts';

export interface ScaleOutOptions {
  readonly source: string;
  readonly fps: number;
  readonly quality: number;
  /** Subscribers per gateway. */
  readonly clientsPerGateway: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly idleSeconds: number;
}

export interface ScaleOutResult {
  readonly clientsPerGateway: number;
  readonly gateways: RunResult[];
  /** The capture node over the whole run (connections, warm-up, window): CPU in cores, captured fps. */
  readonly capture: { readonly cores: number; readonly capturedFps: number; readonly framesDropped: number };
  /**
   * The capture node's CPU (cores) while both gateways are connected and no
   * one watches: the camera read, and the active camera's full size made once a
   * second for the gateways (valueFps).
   */
  readonly captureIdleCores?: number | undefined;
  /** One servercam process with all 2 × N subscribers. */
  readonly single: RunResult | undefined;
  readonly skipped?: string | undefined;
}

export async function runScaleOut(options: ScaleOutOptions, log: (line: string) => void): Promise<ScaleOutResult> {
  const n = options.clientsPerGateway;
  if (!hasRedisServer()) {
    // Listed in the test command's closing summary (scripts/test.mjs), as the tests' skips are.
    recordSkip({ group: 'The scale-out benchmark scenario (@servercam/bench)', reason: `no redis-server at ${REDIS_SERVER}`, enable: 'apt-get install redis-server' });
    return { clientsPerGateway: n, gateways: [], capture: { cores: 0, capturedFps: 0, framesDropped: 0 }, single: undefined, skipped: `${REDIS_SERVER} is missing (apt-get install redis-server)` };
  }
  const camera = { source: options.source, fps: options.fps, quality: options.quality };
  let single: RunResult | undefined;
  // The single-process figures first, alone on the machine.
  const servercam = await ServerUnderTest.start({ kind: 'servercam', ...camera });
  try {
    await sleep(700);
    await servercam.measureIdle(options.idleSeconds, true);
    single = await run(servercam, { transport: 'graphql-ws', clients: 2 * n, warmupSeconds: options.warmupSeconds, seconds: options.seconds });
  } finally {
    await servercam.close();
  }

  log(`scale-out: one process with ${2 * n} subscribers: ${single ? `${single.fpsMean.toFixed(1)} fps/client` : 'not measured'}; now Redis, a capture node and 2 gateways`);
  const redisPort = await freePort();
  const redis = await spawnRedisServer(redisPort);
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const roles: ServerUnderTest[] = [];
  try {
    const capture = await ServerUnderTest.start({ kind: 'capture', redisUrl, ...camera });
    roles.push(capture);
    const gateways = [
      await ServerUnderTest.start({ kind: 'gateway', redisUrl, ...camera }, { name: 'gateway 1' }),
      await ServerUnderTest.start({ kind: 'gateway', redisUrl, ...camera }, { name: 'gateway 2' }),
    ];
    roles.push(...gateways);
    await sleep(1500);
    const idle0 = processCpuSeconds(capture.pid);
    const idleT0 = performance.now();
    await sleep(options.idleSeconds * 1000);
    const captureIdleCores = (processCpuSeconds(capture.pid) - idle0) / ((performance.now() - idleT0) / 1000);
    await Promise.all(gateways.map((gateway) => gateway.measureIdle(options.idleSeconds, true)));
    const cpu0 = processCpuSeconds(capture.pid);
    const stats0 = await capture.stats();
    const t0 = performance.now();
    const runs = await Promise.all(
      gateways.map((gateway) => run(gateway, { transport: 'graphql-ws', clients: n, warmupSeconds: options.warmupSeconds, seconds: options.seconds })),
    );
    const stats1 = await capture.stats();
    // The capture node over the whole run (connections, warm-up and window).
    const window = (performance.now() - t0) / 1000;
    const captured = (stats1.cameras[0]?.captured ?? 0) - (stats0.cameras[0]?.captured ?? 0);
    const result: ScaleOutResult = {
      clientsPerGateway: n,
      gateways: runs,
      capture: {
        cores: (processCpuSeconds(capture.pid) - cpu0) / window,
        capturedFps: captured / window,
        framesDropped: stats1.framesDropped - stats0.framesDropped,
      },
      captureIdleCores,
      single,
    };
    return result;
  } finally {
    await Promise.all(roles.map((role) => role.close()));
    await killRedisServer(redis);
  }
}

const f1 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1));
const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(0)}%`);

export function describeScaleOut(result: ScaleOutResult): string[] {
  if (result.skipped) return [`scale-out skipped: ${result.skipped}`];
  return [
    ...result.gateways.map((r) => `scale-out ${r.server}: N=${r.clients}: ${f1(r.fpsMean)} fps/client (min ${f1(r.fpsMin)}), p99 ${f1(r.p99)} ms, ${pct(r.serverCores)} CPU`),
    `scale-out capture node: ${pct(result.capture.cores)} CPU (${pct(result.captureIdleCores)} while the gateways had no viewer), ${f1(result.capture.capturedFps)} fps captured, ${result.capture.framesDropped} frames dropped`,
    ...(result.single ? [`single process: N=${result.single.clients}: ${f1(result.single.fpsMean)} fps/client, p99 ${f1(result.single.p99)} ms, ${pct(result.single.serverCores)} CPU`] : []),
  ];
}

export function renderScaleOut(result: ScaleOutResult, meta: { date: string; smoke: boolean; load: readonly number[] }): string {
  const lines = [
    '# Scale-out benchmark (issue 7)',
    '',
    `Written by \`pnpm bench\` (bench/src/scale-out.ts) on ${meta.date}${meta.smoke ? ' (**smoke run**: tiny N, not figures)' : ''}; load average before: ${meta.load.map((v) => v.toFixed(2)).join(', ')}.`,
    'A real `redis-server`, one capture node and two gateways, each in its own process, and graphql-ws subscribers on both gateways at once;',
    'beside them, one `servercam` process with the same total of subscribers. Camera: synthetic 1280×720 at 30 fps, JPEG q80.',
    'Every process (Redis, capture, gateways, load generators) shares the same machine, so the figures show the cost per gateway, not a capacity.',
    '',
  ];
  if (result.skipped) return `${[...lines, `Not run: ${result.skipped}.`].join('\n')}\n`;
  lines.push(
    '| Server | Subscribers | fps per client (mean) | fps (min client) | latency p50 (ms) | latency p99 (ms) | CPU | CPU idle (no client) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const r of result.gateways) {
    lines.push(`| ${r.server} | ${r.clients} | ${f1(r.fpsMean)} | ${f1(r.fpsMin)} | ${f1(r.p50)} | ${f1(r.p99)} | ${pct(r.serverCores)} | ${pct(r.idleCores)} |`);
  }
  lines.push(`| capture node | – | – | – | – | – | ${pct(result.capture.cores)} | ${pct(result.captureIdleCores)} (gateways connected) |`);
  const s = result.single;
  if (s) lines.push(`| one servercam process | ${s.clients} | ${f1(s.fpsMean)} | ${f1(s.fpsMin)} | ${f1(s.p50)} | ${f1(s.p99)} | ${pct(s.serverCores)} | ${pct(s.idleCores)} |`);
  lines.push('', `The capture node captured ${f1(result.capture.capturedFps)} fps in the window and dropped ${result.capture.framesDropped} frames (Redis unreachable or backed up).`);
  return `${lines.join('\n')}\n`;
}
