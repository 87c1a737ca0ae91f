#!/usr/bin/env node
// A timelapse: saves one JPEG from a server-side camera every N seconds.
// It uses @servercam/core through its package exports only, as any app would.
//
//   node timelapse.mjs --source 0 --every 10 --out ./frames            # device 0, forever
//   node timelapse.mjs --source synthetic:640x480 --every 1 --count 5   # five frames, then exit
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CannotOpenCamera, ServerVideoStream } from '@servercam/core';

const { values } = parseArgs({
  options: {
    source: { type: 'string', default: 'synthetic' },
    every: { type: 'string', default: '10' },
    count: { type: 'string', default: '0' },
    out: { type: 'string', default: 'timelapse' },
    width: { type: 'string' },
    quality: { type: 'string', default: '85' },
  },
});

const everyMs = Number(values.every) * 1000;
const count = Number(values.count);
const maxWidth = values.width ? Number(values.width) : undefined;
await mkdir(values.out, { recursive: true });

const stream = new ServerVideoStream({
  cameras: [{ id: 'timelapse', source: values.source }],
  // One frame per interval is all we need: let the worker capture just that often.
  fps: Math.max(0.1, 1000 / everyMs),
  quality: Number(values.quality),
});
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());

try {
  await stream.start(['timelapse']);
} catch (error) {
  if (error instanceof CannotOpenCamera) console.error(`${error.message} (retrying in the background)`);
  else throw error;
}

let saved = 0;
let next = 0;
try {
  for await (const frame of stream.frames({ maxWidth, signal: stop.signal })) {
    if (frame.capturedAt < next) continue;
    next = frame.capturedAt + everyMs * 0.9;
    const name = join(values.out, `${new Date(frame.capturedAt).toISOString().replace(/[:.]/g, '-')}-${frame.seq}.jpg`);
    await writeFile(name, frame.data);
    console.log(`saved ${name} (${frame.width}x${frame.height}, ${frame.data.length} bytes)`);
    if (count > 0 && ++saved >= count) break;
  }
} finally {
  await stream.close();
}
