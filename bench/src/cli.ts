#!/usr/bin/env node
/**
 * `pnpm bench`: every scenario of issue 5, side by side in one run, written to
 * docs/benchmarks.md (tables, an SVG chart, the machine) with ratios as the
 * headlines. `--smoke`: a few seconds per scenario and small N, into a
 * temporary directory; it checks that each scenario runs and reports, and
 * asserts no timing.
 *
 * `--quick`: fewer N and shorter windows, the same tables, into docs/.
 *
 *   node dist/cli.js [--smoke | --quick] [--out DIR] [--only fanout,pipeline,variants,slow,video,paint,scale-out] [--ns 1,10,200]
 *   node dist/cli.js --quick --only paint --out /tmp/paint   # the Chromium capture → paint figure alone (`video` runs it too)
 *   node dist/cli.js --only fanout --ns 200 --cases servercam:graphql-ws --cpu-prof /tmp/prof   # profile the servers
 *   node dist/cli.js --report-only   # re-renders docs/benchmarks.md from docs/benchmarks.json (after editing analysis.md)
 *   node dist/cli.js --only video --update   # runs one section again, keeping the others of docs/benchmarks.json
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { run, type RunResult, ServerUnderTest, sleep } from './harness.ts';
import type { Transport } from './messages.ts';
import { type PipelineRow, runPipeline } from './pipeline.ts';
import { machineInfo } from './proc.ts';
import { renderReport, type Report } from './report.ts';
import { lineChart } from './svg.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    ns: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
    update: { type: 'boolean', default: false },
    cases: { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const smoke = values.smoke ?? false;
const quick = !smoke && (values.quick ?? false);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const outDir = values.out ?? (smoke ? join(tmpdir(), 'servercam-bench-smoke') : join(ROOT, 'docs'));
const only = new Set((values.only ?? 'pipeline,fanout,variants,slow,video,scale-out').split(','));

const config: {
  ns: number[]; warmup: number; seconds: number; idle: number; variantClients: number; slowHealthy: number;
  slowStalled: number; slowSeconds: number; pipelineSeconds: number; sizes: string[];
  videoNs: number[]; qualitySeconds: number; firstPictureViewers: number; paintSeconds: number;
} = smoke
  ? { ns: [3], warmup: 1, seconds: 2, idle: 1, variantClients: 6, slowHealthy: 4, slowStalled: 2, slowSeconds: 4, pipelineSeconds: 1, sizes: ['640x480'], videoNs: [3], qualitySeconds: 2, firstPictureViewers: 1, paintSeconds: 2 }
  : quick
    ? { ns: [1, 50, 200], warmup: 2, seconds: 4, idle: 2, variantClients: 100, slowHealthy: 50, slowStalled: 20, slowSeconds: 20, pipelineSeconds: 2, sizes: ['1280x720'], videoNs: [1, 50, 200], qualitySeconds: 4, firstPictureViewers: 5, paintSeconds: 8 }
    : { ns: [1, 10, 50, 100, 200, 500], warmup: 2, seconds: 6, idle: 3, variantClients: 100, slowHealthy: 50, slowStalled: 20, slowSeconds: 60, pipelineSeconds: 5, sizes: ['640x480', '1280x720', '1920x1080'], videoNs: [1, 50, 200, 500, 1000], qualitySeconds: 8, firstPictureViewers: 10, paintSeconds: 15 };

if (values.ns) config.ns = values.ns.split(',').map(Number);

const CAMERA = { source: 'synthetic:1280x720@30', fps: 30, quality: 80 };
const log = (line: string): void => console.log(`[bench] ${line}`);
const problems: string[] = [];
const started = new Date();
const loadBefore = loadavg();

function describe(result: RunResult): string {
  return `${result.server}/${result.transport} N=${result.clients}${result.stalled ? `+${result.stalled} stalled` : ''}: ${result.fpsMean.toFixed(1)} fps/client (min ${result.fpsMin.toFixed(1)}), p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, server ${(result.serverCores * 100).toFixed(0)}% CPU, ${result.netCpuPerFrameUs.toFixed(1)} µs/frame net${result.errors.length ? `, errors: ${result.errors.slice(0, 3).join('; ')}` : ''}`;
}

function check(what: string, result: RunResult): void {
  if (result.delivered === 0) problems.push(`${what}: no frame delivered`);
  if (result.errors.length > 0) problems.push(`${what}: ${result.errors.slice(0, 3).join('; ')}`);
}

let report: Report = {
  smoke,
  quick,
  date: started.toISOString(),
  machine: machineInfo(),
  loadBefore,
  loadAfter: loadBefore,
  durationSeconds: 0,
  config,
  pipeline: [],
  fanout: [],
  variants: undefined,
  slow: undefined,
  video: undefined,
  paint: undefined,
  pipelineError: undefined,
};

const jsonFile = join(outDir, 'benchmarks.json');
const reportOnly = values['report-only'] ?? false;
if (reportOnly) {
  report = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
  only.clear();
} else if (values.update && existsSync(jsonFile)) {
  // --update: run the --only sections again and keep the others from the last run's benchmarks.json.
  const previous = JSON.parse(readFileSync(jsonFile, 'utf8')) as Report;
  const updates = [...(previous.updates ?? []), { date: report.date, sections: [...only], loadBefore }];
  report = {
    ...previous,
    updates,
    ...(only.has('pipeline') ? { pipeline: [], pipelineError: undefined } : {}),
    ...(only.has('fanout') ? { fanout: [] } : {}),
    ...(only.has('variants') ? { variants: undefined } : {}),
    ...(only.has('slow') ? { slow: undefined } : {}),
    ...(only.has('video') ? { video: undefined } : {}),
    // The paint figure runs with the video section, or alone.
    ...(only.has('video') || only.has('paint') ? { paint: undefined } : {}),
  };
}

if (only.has('pipeline')) {
  log(`pipeline: ${config.sizes.join(', ')}, ${config.pipelineSeconds} s per run`);
  try {
    report.pipeline = runPipeline(config.pipelineSeconds, config.sizes);
    for (const row of report.pipeline) log(`  ${row.source} ${row.size}: ${row.fps.toFixed(1)} fps${row.ratio !== undefined ? `, ${(row.ratio * 100).toFixed(1)}% of the limit` : ''}${row.requestedFps !== undefined ? ` of ${row.requestedFps} requested (${((row.accuracy ?? 0) * 100).toFixed(1)}%), camera reports ${row.measuredFps?.toFixed(2) ?? '–'} fps` : ''}`);
    if (!report.pipeline.some((row: PipelineRow) => row.source === 'synthetic')) problems.push('pipeline: no synthetic row');
  } catch (error) {
    report.pipelineError = (error as Error).message;
    problems.push(`pipeline: ${(error as Error).message.slice(0, 500)}`);
  }
}

const needServers = only.has('fanout') || only.has('variants') || only.has('slow');
if (needServers) {
  const servercam = await ServerUnderTest.start({ kind: 'servercam', ...CAMERA }, { cpuProfileDir: values['cpu-prof'] });
  const naive = only.has('fanout') ? await ServerUnderTest.start({ kind: 'naive', ...CAMERA }, { cpuProfileDir: values['cpu-prof'] }) : undefined;
  try {
    // One server captures at a time: the other is paused, so it costs nothing.
    const use = async (server: ServerUnderTest): Promise<void> => {
      for (const other of [servercam, naive]) other?.pause(other !== server);
      await sleep(700);
    };
    await use(servercam);
    await servercam.measureIdle(config.idle, true);
    log(`servercam idle (capture + encode, no client): ${(servercam.idleCores * 100).toFixed(1)}% CPU`);
    if (naive) {
      await use(naive);
      await naive.measureIdle(config.idle, true);
      log(`naive idle: ${(naive.idleCores * 100).toFixed(1)}% CPU`);
    }

    if (only.has('fanout')) {
      const all: Array<[ServerUnderTest, Transport]> = [
        [servercam, 'graphql-ws'],
        [servercam, 'sse'],
        [servercam, 'mjpeg'],
        ...(naive ? [[naive, 'graphql-ws'] as [ServerUnderTest, Transport]] : []),
      ];
      const cases = all.filter(([server, transport]) => !values.cases || values.cases.split(',').includes(`${server.spec.kind}:${transport}`));
      for (const n of config.ns) {
        const idleMeasured = new Set<ServerUnderTest>();
        for (const [server, transport] of cases) {
          await use(server);
          // The idle cost drifts with the machine's load: measured again next to each N's runs.
          if (!idleMeasured.has(server) && n !== config.ns[0]) await server.measureIdle(config.idle, true);
          idleMeasured.add(server);
          const result = await run(server, { transport, clients: n, warmupSeconds: config.warmup, seconds: config.seconds });
          log(describe(result));
          check(`fan-out ${server.spec.kind}/${transport} N=${n}`, result);
          report.fanout.push(result);
        }
      }
    }

    if (only.has('variants')) {
      await use(servercam);
      const result = await run(servercam, {
        transport: 'graphql-ws',
        clients: config.variantClients,
        maxWidths: [320, 640, 1280],
        warmupSeconds: config.warmup,
        seconds: config.seconds,
      });
      log(`variants: ${result.encodesPerFrame.toFixed(2)} encodes per frame ${JSON.stringify(result.encodesByVariant)}; ${describe(result)}`);
      check('variants', result);
      if (!(result.encodesPerFrame > 0)) problems.push('variants: no encode counted');
      report.variants = result;
    }

    if (only.has('slow')) {
      await use(servercam);
      const result = await run(servercam, {
        transport: 'graphql-ws',
        clients: config.slowHealthy,
        stalled: config.slowStalled,
        warmupSeconds: config.warmup + 2,
        seconds: config.slowSeconds,
        sampleRss: true,
      });
      log(`slow clients: RSS ${(result.rssStart / 2 ** 20).toFixed(1)} → ${(result.rssEnd / 2 ** 20).toFixed(1)} MB (max ${(result.rssMax / 2 ** 20).toFixed(1)}), ${result.framesDropped} frames dropped; ${describe(result)}`);
      check('slow clients', result);
      report.slow = result;
    }
  } finally {
    await Promise.all([servercam.close(), naive?.close()]);
  }
}

if (only.has('video')) {
  // Issue 15: H.264 beside JPEG (bench/src/video-bench.ts), a section of the same document.
  const { runVideoBench } = await import('./video-bench.ts');
  try {
    report.video = await runVideoBench(
      {
        ns: config.videoNs,
        warmupSeconds: config.warmup,
        seconds: config.seconds,
        idleSeconds: config.idle,
        qualitySeconds: config.qualitySeconds,
        firstPictureViewers: config.firstPictureViewers,
        quality: CAMERA.quality,
        qualityScenes: smoke ? ['camera-like'] : ['camera-like', 'h264-file'],
        qualities: smoke ? [CAMERA.quality] : quick ? [CAMERA.quality, 100] : [CAMERA.quality, 90, 100],
        workDir: join(tmpdir(), 'servercam-bench-video'),
      },
      log,
    );
    problems.push(...report.video.errors.map((error) => `video: ${error}`));
  } catch (error) {
    problems.push(`video: ${(error as Error).message.slice(0, 500)}`);
  }
}

if (only.has('video') || only.has('paint')) {
  // Issue 15's capture → paint in Chromium (bench/src/paint-latency.ts): part of the video section; `--only paint` runs it alone.
  const { runPaintLatency } = await import('./paint-latency.ts');
  try {
    report.paint = await runPaintLatency(
      { ...CAMERA, uiDir: join(ROOT, 'apps', 'web', 'build/'), warmupSeconds: config.warmup, seconds: config.paintSeconds },
      log,
    );
    problems.push(...report.paint.errors.map((error) => `paint: ${error}`));
  } catch (error) {
    problems.push(`paint: ${(error as Error).message.slice(0, 500)}`);
  }
}

if (only.has('scale-out')) {
  // Issue 7: 2 gateways fed by a capture node through Redis (bench/src/scale-out.ts), into its own page.
  const { describeScaleOut, renderScaleOut, runScaleOut } = await import('./scale-out.ts');
  const clientsPerGateway = smoke ? 3 : 200;
  const load = loadavg();
  const result = await runScaleOut({ ...CAMERA, clientsPerGateway, warmupSeconds: config.warmup, seconds: config.seconds, idleSeconds: config.idle }, log);
  for (const line of describeScaleOut(result)) log(line);
  for (const gateway of result.gateways) check(`scale-out ${gateway.server}`, gateway);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'benchmarks-scale-out.md'), renderScaleOut(result, { date: new Date().toISOString(), smoke, load }));
}

if (!reportOnly && !values.update) {
  report.loadAfter = loadavg();
  report.durationSeconds = (Date.now() - started.getTime()) / 1000;
}
mkdirSync(outDir, { recursive: true });
writeFileSync(jsonFile, `${JSON.stringify(report, null, 1)}\n`);
const analysisFile = join(ROOT, 'bench', 'analysis.md');
const analysis = !smoke && existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8') : '';
const chartName = 'benchmarks-fanout.svg';
if (report.fanout.length > 0) {
  const ns = report.config.ns;
  const pick = (server: string, transport: Transport, field: 'netCpuPerFrameUs' | 'fpsMean') =>
    ns.map((n) => report.fanout.find((r) => r.server === server && r.transport === transport && r.clients === n)?.[field]);
  const series = [
    { name: 'graphql-ws (servercam)', color: '#1f77b4', values: pick('servercam', 'graphql-ws', 'netCpuPerFrameUs') },
    { name: 'SSE (servercam)', color: '#2ca02c', values: pick('servercam', 'sse', 'netCpuPerFrameUs') },
    { name: 'MJPEG (servercam)', color: '#ff7f0e', values: pick('servercam', 'mjpeg', 'netCpuPerFrameUs') },
    { name: 'graphql-ws (naive)', color: '#d62728', values: pick('naive', 'graphql-ws', 'netCpuPerFrameUs') },
  ];
  writeFileSync(join(outDir, chartName), lineChart('Server CPU per delivered frame (net of capture)', 'µs per frame (log)', ns.map(String), series, true));
  const fps = series.map((s) => ({ ...s, values: pick(s.name.includes('naive') ? 'naive' : 'servercam', s.name.startsWith('graphql-ws') ? 'graphql-ws' : s.name.startsWith('SSE') ? 'sse' : 'mjpeg', 'fpsMean') }));
  writeFileSync(join(outDir, 'benchmarks-fps.svg'), lineChart('Delivered fps per client (camera: 30 fps)', 'fps per client', ns.map(String), fps));
}
writeFileSync(join(outDir, 'benchmarks.md'), renderReport(report, analysis));
log(`wrote ${join(outDir, 'benchmarks.md')} in ${report.durationSeconds.toFixed(0)} s`);
if (problems.length > 0) {
  for (const problem of problems) console.error(`[bench] problem: ${problem}`);
  process.exit(1);
}
