/**
 * The "H.264 beside JPEG" section of docs/benchmarks.md (issue 15): the
 * targets as ratios with met/missed beside each (not asserted anywhere), then
 * the tables. Every figure has the 1-minute load average it was measured at.
 * @module
 */
import { f1, pct, ratio, verdict } from './figures.ts';
import { quantile } from './proc.ts';
import type { PaintLatencyReport } from './paint-latency.ts';
import type { VideoReport } from './video-bench.ts';

const f2 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));
const kb = (bytes: number | undefined): string => (bytes === undefined || !Number.isFinite(bytes) ? '–' : (bytes / 1000).toFixed(1));
const kbit = (bytes: number | undefined): string => (bytes === undefined || !Number.isFinite(bytes) ? '–' : ((bytes * 8) / 1000).toFixed(0));
const load1 = (load: readonly number[] | undefined): string => (load ? load[0]!.toFixed(2) : '–');
const max = (values: readonly number[]): number | undefined => (values.length > 0 ? Math.max(...values) : undefined);
const p50 = (values: readonly number[]): number | undefined => (values.length > 0 ? quantile([...values], 0.5) : undefined);
const name = (transport: string): string => (transport === 'video' ? 'H.264' : 'JPEG q80');

/** The issue's target for capture → paint in Chromium, p50 in ms. */
const PAINT_P50_TARGET_MS = 80;
const formatName = (format: string): string => (format === 'h264' ? 'H.264 (WebCodecs)' : 'Force JPEG');

/** The targets row of capture → paint in Chromium: both formats, a verdict for each. */
function paintTargetRow(paint: PaintLatencyReport | undefined): string {
  const target = `In Chromium, capture → paint p50 ≤ ${PAINT_P50_TARGET_MS} ms`;
  if (!paint) return `| ${target} | not measured in this run (\`--only video\` or \`--only paint\` measures it) | – | – | – |`;
  if (paint.skipped) return `| ${target} | not measured: ${paint.skipped} | – | – | – |`;
  const measured = paint.rows.map((row) => `${formatName(row.format)}: p50 ${f1(row.p50)} ms, p99 ${f1(row.p99)} ms (${row.count} pictures)`).join('; ') || `no figure (${paint.errors.join('; ').slice(0, 200)})`;
  const ratios = paint.rows.map((row) => `${f2(ratio(row.p50, PAINT_P50_TARGET_MS))}${paint.rows.length > 1 ? ` ${row.format === 'h264' ? 'H.264' : 'JPEG'}` : ''}`).join(', ') || '–';
  const verdicts = paint.rows.map((row) => `${verdict(row.p50 <= PAINT_P50_TARGET_MS)}${paint.rows.length > 1 ? ` ${row.format === 'h264' ? 'H.264' : 'JPEG'}` : ''}`).join(', ') || '–';
  return `| ${target} | ${measured} | ${ratios} | ${verdicts} | ${paint.rows.map((row) => load1(row.load)).join(', ') || '–'} |`;
}

/** The table of capture → paint in Chromium. */
function paintTable(paint: PaintLatencyReport): string[] {
  const lines = ['### Capture → paint in Chromium', ''];
  lines.push(`One servercam process serving the built web app, camera \`${paint.source}\`; ${paint.browser ? `Chromium ${paint.browser}` : 'Chromium'} (headless, \`--disable-gpu\`: software decoding and drawing) opens the live view, first playing H.264 through WebCodecs, then a page that chose "Force JPEG", one at a time, ${paint.seconds} s each after ${paint.warmupSeconds} s of warm-up ("captured fps" below the camera's 30: the machine was saturated, and the figures say more about it than about servercam). The UI's paint probe (apps/web/src/lib/video/paint-probe.ts, off unless the page turns it on) records each picture drawn, on the machine's one clock: from \`capturedAt\` to the end of the rendering update that drew it (style, layout, paint, commit to the compositor: a task posted from the \`requestAnimationFrame\` callback that drew it), the figure held against the target of p50 ≤ ${PAINT_P50_TARGET_MS} ms; and to just after \`drawImage\` in that callback, the overlay's "Latency".`, '');
  if (paint.skipped) return [...lines, `Not run: ${paint.skipped}.`, ''];
  if (paint.errors.length > 0) lines.push(`Errors: ${paint.errors.slice(0, 3).map((error) => `\`${error.slice(0, 200)}\``).join('; ')}`, '');
  lines.push('| Format | pictures | painted/s | captured fps | paint p50 ms | paint p99 ms | paint max ms | drawImage p50 ms | drawImage p99 ms | paint p50 ≤ 80 ms | Load |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const row of paint.rows) lines.push(`| ${formatName(row.format)} | ${row.count} | ${f1(row.paintedFps)} | ${f1(row.capturedFps)} | ${f1(row.p50)} | ${f1(row.p99)} | ${f1(row.max)} | ${f1(row.drawn.p50)} | ${f1(row.drawn.p99)} | ${verdict(row.p50 <= PAINT_P50_TARGET_MS)} | ${load1(row.load)} |`);
  lines.push('');
  return lines;
}

/** Capture → paint in Chromium on its own (\`--only paint\`): the target and the table. */
export function renderPaintSection(paint: PaintLatencyReport): string[] {
  return ['## Capture → paint in Chromium (issue 15)', '', '| Target (issue 15) | Measured | Ratio | | Load |', '| --- | --- | ---: | --- | ---: |', paintTargetRow(paint), '', ...paintTable(paint).slice(2)];
}

export function renderVideoSection(video: VideoReport, paint?: PaintLatencyReport): string[] {
  const lines: string[] = [];
  const push = (...more: string[]): void => void lines.push(...more);
  const reference = video.options.quality;
  const q = (scene: string, format: string, setting = reference) => video.quality.find((row) => row.scene === scene && row.format === format && row.quality === setting);
  const run = (transport: string, n: number) => video.fanout.find((r) => r.transport === transport && r.clients === n);
  const first = (transport: string) => video.firstPicture.find((r) => r.transport === transport);
  const ns = video.options.ns;
  const headN = ns.includes(200) ? 200 : Math.max(...ns);
  const topN = Math.max(...ns);

  push('## H.264 beside JPEG (issue 15)', '');
  push(`Camera: 1280×720 at 30 fps, \`quality\` ${video.options.quality} (JPEG q${video.options.quality}; the H.264 encoder's rate control follows the same setting). Load average (1 min) beside every figure: the machine is shared, so compare the two formats in the same run.`, '');
  for (const note of video.skipped) push(`Not run: ${note}.`, '');
  if (video.errors.length > 0) push(`Errors: ${video.errors.slice(0, 5).map((error) => `\`${error.slice(0, 200)}\``).join('; ')}`, '');

  push('### Targets', '');
  push('| Target (issue 15) | Measured | Ratio | | Load |', '| --- | --- | ---: | --- | ---: |');
  for (const scene of video.scenes.map((s) => s.name)) {
    const jq = q(scene, 'jpeg');
    const hq = q(scene, 'h264');
    if (scene !== 'camera-like' && !jq) continue;
    // The H.264 at the lowest \`quality\` setting whose PSNR reaches JPEG q80's: the bytes at equal PSNR.
    const matched = jq ? video.quality.filter((row) => row.scene === scene && row.format === 'h264' && row.psnr.average >= jq.psnr.average).sort((a, b) => a.quality - b.quality)[0] : undefined;
    const atSetting = ratio(hq?.bytesPerViewerSecond, jq?.bytesPerViewerSecond);
    const atPsnr = ratio(matched?.bytesPerViewerSecond, jq?.bytesPerViewerSecond);
    const target = scene === 'camera-like' ? 'Bytes per viewer ≤ 1/10 of JPEG q80\'s at equal or better PSNR (camera-like scene)' : `(the same on the ${scene} scene, no target)`;
    const measured = `JPEG q${reference} ${kbit(jq?.bytesPerViewerSecond)} kbit/s at ${f2(jq?.psnr.average)} dB; H.264 at the same setting ${kbit(hq?.bytesPerViewerSecond)} kbit/s at ${f2(hq?.psnr.average)} dB; ${matched ? `H.264 reaching that PSNR (setting ${matched.quality}): ${kbit(matched.bytesPerViewerSecond)} kbit/s at ${f2(matched.psnr.average)} dB` : 'no H.264 setting measured reached that PSNR'}`;
    const ratios = `${f2(atSetting)} at the same setting${matched ? `, ${f2(atPsnr)} (1/${f1(1 / atPsnr!)}) at equal PSNR` : ''}`;
    const met = scene === 'camera-like' ? verdict(jq && hq ? atPsnr !== undefined && atPsnr <= 0.1 : undefined) : '';
    push(`| ${target} | ${measured} | ${ratios} | ${met} | ${load1(matched?.load ?? hq?.load)} |`);
  }
  const jh = run('graphql-ws', headN);
  const hh = run('video', headN);
  const cpuRatio = ratio(hh?.cpuPerFrameUs, jh?.cpuPerFrameUs);
  push(`| Server CPU per delivered frame at N = ${headN} ≤ 0.5× JPEG over graphql-ws | H.264 ${f1(hh?.cpuPerFrameUs)} µs, JPEG ${f1(jh?.cpuPerFrameUs)} µs (net of the idle capture: ${f1(hh?.netCpuPerFrameUs)} vs ${f1(jh?.netCpuPerFrameUs)}; the fan-out alone, the main thread: ${f1(hh?.mainThreadPerFrameUs)} vs ${f1(jh?.mainThreadPerFrameUs)}) | ${f2(cpuRatio)} (net ${f2(ratio(hh?.netCpuPerFrameUs, jh?.netCpuPerFrameUs))}, fan-out ${f2(ratio(hh?.mainThreadPerFrameUs, jh?.mainThreadPerFrameUs))}) | ${verdict(cpuRatio === undefined ? undefined : cpuRatio <= 0.5)} | ${load1(hh?.load)} |`);
  const ht = run('video', topN);
  push(`| 1,000 H.264 viewers at 720p30, each ≥ 29 fps${topN < 1000 ? ` (this run's largest N: ${topN})` : ''} | mean ${f1(ht?.fpsMean)}, slowest ${f1(ht?.fpsMin)} fps at N = ${topN} (camera ${f1(ht?.capturedFps)} fps) | ${f2(ratio(ht?.fpsMin, 29))} | ${verdict(ht && topN >= 1000 ? ht.fpsMin >= 29 : undefined)} | ${load1(ht?.load)} |`);
  const latency = [...new Set([headN, topN])].map((n) => ({ n, r: run('video', n) }));
  push(`| Latency p50 ≤ 50 ms, capture → received chunk | ${latency.map(({ n, r }) => `p50 ${f1(r?.p50)} ms, p99 ${f1(r?.p99)} ms at N = ${n}`).join('; ')} | ${latency.map(({ n, r }) => `${f2(ratio(r?.p50, 50))} at ${n}`).join(', ')} | ${latency.map(({ n, r }) => `${verdict(r ? r.p50 <= 50 : undefined)} at ${n}`).join(', ')} | ${latency.map(({ r }) => load1(r?.load)).join(', ')} |`);
  push(paintTargetRow(paint));
  const hf = first('video');
  const jf = first('graphql-ws');
  const worstJoiner = max(hf?.warm ?? []);
  const worstFirst = max(hf?.cold ?? []);
  const worst = max([...(hf?.warm ?? []), ...(hf?.cold ?? [])]);
  const firstVerdict = worst === undefined
    ? verdict(undefined)
    : worst <= 300 && hf!.startsAtKeyframe
      ? `${verdict(true)} (worst of every viewer)`
      : `${verdict(worstJoiner !== undefined && worstJoiner <= 300 && hf!.startsAtKeyframe)} for joiners; ${verdict(false)} for the first viewer`;
  push(`| A new viewer's first picture ≤ 300 ms | H.264: ${video.options.firstPictureViewers} viewers joining a watched stream: p50 ${f1(p50(hf?.warm ?? []))} ms, worst ${f1(worstJoiner)} ms; the first viewer of the camera (it takes the spare encoder started ahead): p50 ${f1(p50(hf?.cold ?? []))} ms, worst ${f1(worstFirst)} ms${hf && !hf.startsAtKeyframe ? '; **a first chunk was not a keyframe**' : ''}. JPEG: ${f1(p50(jf?.warm ?? []))} / ${f1(p50(jf?.cold ?? []))} ms | ${f2(ratio(worst, 300))} | ${firstVerdict} | ${load1(hf?.load)} |`);
  push('');

  if (video.quality.length > 0) {
    push('### Bytes and picture quality', '');
    push(`Through the core's API alone: one \`ServerVideoStream\` plays each scene file as a camera; a JPEG consumer (\`subscribe\`) and an H.264 consumer (\`video()\`) take the same captures for ${video.options.qualitySeconds} s. PSNR: ffmpeg's psnr filter over RGB (R, G and B together, as the camera decodes the file; \`average\` over the frames, and the worst frame) of the received stream, decoded by ffmpeg, against exactly the source frames it was made of. Base64 is what graphql-ws and SSE carry.`, '');
    for (const scene of video.scenes) push(`- \`${scene.name}\`: ${scene.description}, ${scene.width}×${scene.height} at ${scene.fps} fps.`);
    push('');
    push(`The \`quality\` setting drives both: JPEG quality, and the H.264 encoder's CRF (18 + (100 − quality) / 2: ${reference} → CRF ${18 + (100 - reference) / 2}, 100 → 18). Pictures a second fall below 30 where the machine could not keep up (the encoder skips captures while busy).`, '');
    push(`| Scene | Format | \`quality\` | Frames (keyframes) | Pictures/s | Bytes per picture | kbit/s per viewer | kB/s per viewer as base64 | PSNR average (dB) | PSNR worst frame | / JPEG q${reference} bytes | Load |`);
    push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const row of video.quality) {
      const jpeg = q(row.scene, 'jpeg');
      push(`| ${row.scene} | ${row.format === 'h264' ? 'H.264' : 'JPEG'} | ${row.quality} | ${row.frames}${row.format === 'h264' ? ` (${row.keyframes})` : ''} | ${f1(row.picturesPerSecond)} | ${Math.round(row.bytesPerFrame)} | ${kbit(row.bytesPerViewerSecond)} | ${kb(row.base64BytesPerViewerSecond)} | ${f2(row.psnr.average)} | ${f2(row.psnr.min)} | ${row === jpeg ? '' : f2(ratio(row.bytesPerViewerSecond, jpeg?.bytesPerViewerSecond))} | ${load1(row.load)} |`);
    }
    push('');
  }

  if (video.fanout.length > 0) {
    push('### N viewers over graphql-ws', '');
    push(`One servercam process, camera: ${video.fanoutSource}; N graphql-ws subscribers of \`frames\` (JPEG) or of \`video\` (H.264), every field selected, in load processes of their own, ${video.options.seconds} s measured after a warm-up. Server CPU is the server process and its children (the ffmpeg encoder) from /proc; "net" subtracts the idle cost measured just before (no client: the capture, and the full-size JPEG, made once a second while no viewer takes it). "Main thread": the server's main thread alone, which writes every viewer's messages (the fan-out); the rest of the server's CPU is capture, the encoders and libuv's pool. Latency: \`capturedAt\` to the whole message at the client.`, '');
    push('| N | Format | fps/client | slowest | p50 ms | p99 ms | kB/s per client | captured fps | server CPU | µs/frame | µs/frame net | main thread | main thread µs/frame | H.264 / JPEG µs | load CPU | Load |');
    push('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of video.fanout) {
      const jpeg = run('graphql-ws', r.clients);
      push(`| ${r.clients} | ${name(r.transport)} | ${f1(r.fpsMean)} | ${f1(r.fpsMin)} | ${f1(r.p50)} | ${f1(r.p99)} | ${kb(r.bytesPerClientSecond)} | ${f1(r.capturedFps)} | ${pct(r.serverCores)} | ${f1(r.cpuPerFrameUs)} | ${f1(r.netCpuPerFrameUs)} | ${pct(r.mainThreadCores)} | ${f1(r.mainThreadPerFrameUs)} | ${r.transport === 'video' ? f2(ratio(r.cpuPerFrameUs, jpeg?.cpuPerFrameUs)) : ''} | ${pct(r.loadCores)} | ${load1(r.load)} |`);
    }
    push('');
  }

  if (paint) push(...paintTable(paint));

  if (video.firstPicture.length > 0) {
    push('### Time to first picture', '');
    push('From opening the WebSocket to the first whole picture message (for H.264, a keyframe chunk). Cold: no one watched for 2.5 s before (for H.264 the variant of this viewer takes the spare encoder the capture side keeps started ahead, `tuning.videoStandby`, or starts one). Warm: another viewer watches, so the encoder runs and keeps the current GOP; joiners arrive at staggered times across the GOP.', '');
    push('| Format | cold (ms) | warm (ms) | first chunk a keyframe | Load |', '| --- | --- | --- | --- | ---: |');
    for (const r of video.firstPicture) {
      push(`| ${name(r.transport)} | ${r.cold.map((ms) => ms.toFixed(0)).join(', ') || '–'} | ${r.warm.map((ms) => ms.toFixed(0)).join(', ') || '–'} | ${r.transport === 'video' ? (r.startsAtKeyframe ? 'yes' : '**no**') : '–'} | ${load1(r.load)} |`);
    }
    push('');
  }
  return lines;
}
