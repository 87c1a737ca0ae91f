import { ServerVideoStream } from './dist/index.js';
import { readFileSync, readdirSync } from 'node:fs';
const mode = process.argv[2] ?? 'idle';
const source = process.argv[3] ?? '/tmp/probe/scene.mp4';
const tick = 100;
function threads(pid) {
  const out = {};
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const comm = readFileSync(`/proc/${pid}/task/${t}/comm`, 'utf8').trim();
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[`${comm}:${t}`] = (Number(f[11]) + Number(f[12])) / tick;
    } catch {}
  }
  return out;
}
function children(pid) {
  const out = {};
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === pid) out[`child ${p}`] = (Number(f[11]) + Number(f[12])) / tick;
    } catch {}
  }
  return out;
}
const stream = new ServerVideoStream({ cameras: [{ id: 'cam', source }], fps: 30, quality: 80, tuning: { videoStandby: false } });
await stream.start(['cam']);
let n = 0;
if (mode === 'jpeg') stream.subscribe({ cameraId: 'cam' }, () => { n++; });
if (mode === 'video') stream.subscribeVideo({ cameraId: 'cam' }, () => { n++; });
await new Promise((r) => setTimeout(r, 4000));
const a = { ...threads(process.pid), ...children(process.pid) }; const n0 = n;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, 8000));
const b = { ...threads(process.pid), ...children(process.pid) };
const secs = (performance.now() - t0) / 1000;
const stats = await stream.stats();
console.log(mode, 'delivered/s', ((n - n0) / secs).toFixed(1), 'captured', stats[0].captured);
let total = 0;
for (const [k, v] of Object.entries(b)) { const d = (v - (a[k] ?? 0)) / secs; total += d; if (d > 0.005) console.log(`  ${k.padEnd(28)} ${(d * 100).toFixed(1)}%`); }
console.log('  total', (total * 100).toFixed(1) + '%');
await stream.close();
