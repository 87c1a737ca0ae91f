/**
 * Fuzz of the GraphQL API over the real transports (HTTP POST, GET, SSE and
 * graphql-ws) with random and malformed documents, variables and bodies, for
 * a bounded time. No response is a 5xx, nothing crashes, and the server
 * still answers afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeAll, httpRequest, type Running, startServer } from './helpers/clients.ts';
import { recordFigures } from './helpers/figures.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({
    cameras: [
      { id: 'a', source: 'synthetic:160x120@15' },
      { id: 'b', source: 'synthetic:96x64@15' },
    ],
    limits: { mutationsPerMinute: 100_000 },
  });
});
afterAll(closeAll);

const FIELDS = [
  'cameras { id label status error { code message at } width height measuredFps viewers }',
  'camera(id: $id) { id status }',
  'stream { paused fps activeCameraId quality }',
  'snapshot(cameraId: $id) { seq width height mimeType }',
  '__typename',
  '__schema { types { name } }',
];
const VALID = [
  'query Q($id: ID!) { camera(id: $id) { id } }',
  'mutation M($input: StreamSettingsInput!) { updateStream(input: $input) { paused fps activeCameraId quality } }',
  'subscription S($id: ID, $w: Int, $f: Float) { frames(cameraId: $id, maxWidth: $w, maxFps: $f) { seq } }',
  '{ stream { fps } }',
  'query { cameras { id } }',
];

const json = fc.jsonValue({ maxDepth: 3 });
const anyValue = fc.oneof(json, fc.constant(undefined), fc.double(), fc.integer(), fc.string(), fc.constantFrom('a', 'b', 'nope', '../../etc/passwd', 'rtsp://x', '/dev/video0', 'file:///etc/passwd'));
const variables = fc.oneof(
  fc.dictionary(fc.constantFrom('id', 'input', 'w', 'f', 'x'), anyValue),
  fc.record({
    input: fc.record(
      { paused: anyValue, fps: fc.oneof(fc.double(), anyValue), quality: fc.oneof(fc.integer(), anyValue), activeCameraId: anyValue, source: anyValue },
      { requiredKeys: [] },
    ),
  }),
  json,
);
/** A valid document with a few characters replaced, inserted or removed. */
const mutated = fc
  .tuple(fc.constantFrom(...VALID), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 3 })), { maxLength: 4 }))
  .map(([doc, edits]) => edits.reduce((text, [at, drop, insert]) => text.slice(0, at % (text.length + 1)) + insert + text.slice((at % (text.length + 1)) + drop), doc));
/** Random selections of real fields, with aliases, nesting and directives. */
const composed = fc
  .tuple(
    fc.constantFrom('query', 'mutation', 'subscription', ''),
    fc.array(fc.tuple(fc.option(fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/)), fc.constantFrom(...FIELDS), fc.boolean()), { minLength: 1, maxLength: 14 }),
  )
  .map(([kind, fields]) => {
    const body = fields.map(([alias, field, skip]) => `${alias ? `${alias}: ` : ''}${field}${skip ? ' @skip(if: false)' : ''}`).join(' ');
    return `${kind}${kind ? ' ($id: ID)' : ''} { ${body} }`;
  });
const query = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 100 }), mutated, composed, fc.constantFrom(...VALID));

const body = fc.oneof(
  fc.record({ query, variables, operationName: fc.option(fc.oneof(fc.string(), fc.constantFrom('Q', 'M', 'S'))) }, { requiredKeys: ['query'] }).map((value) => JSON.stringify(value)),
  fc.record({ query: anyValue, variables: anyValue, extensions: anyValue }).map((value) => JSON.stringify(value)),
  fc.array(fc.record({ query }), { maxLength: 3 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 300 }),
);

const tried = { http: 0, get: 0, sse: 0, ws: 0, statuses: {} as Record<string, number> };

async function sendHttp(kind: 'post' | 'get' | 'sse', text: string, contentType: string): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 3000);
  try {
    let response: Response;
    if (kind === 'get') {
      tried.get++;
      response = await fetch(`${running.url}/graphql?query=${encodeURIComponent(text)}`, { signal: controller.signal });
    } else {
      tried[kind === 'sse' ? 'sse' : 'http']++;
      response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: kind === 'sse' ? 'text/event-stream' : 'application/graphql-response+json' },
        body: text,
        signal: controller.signal,
      });
    }
    // Read a little of a stream, then let go.
    const reader = response.body?.getReader();
    const read = reader?.read();
    read?.catch(() => {}); // a read still pending when the stream is cancelled rejects: nobody's error
    await Promise.race([read, new Promise((resolve) => setTimeout(resolve, 100))]);
    await reader?.cancel().catch(() => {});
    tried.statuses[response.status] = (tried.statuses[response.status] ?? 0) + 1;
    return response.status;
  } finally {
    clearTimeout(timer);
  }
}

/** Sends raw graphql-ws messages; resolves with the close code (or 0 if still open after a moment). */
function sendWs(messages: string[]): Promise<number> {
  tried.ws++;
  return new Promise((resolve) => {
    const ws = new WebSocket(running.wsUrl, 'graphql-transport-ws');
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(0);
    }, 300);
    ws.on('error', () => {});
    ws.once('open', () => {
      for (const message of messages) ws.send(message);
    });
    ws.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const wsMessages = fc.array(
  fc.oneof(
    fc.constant(JSON.stringify({ type: 'connection_init' })),
    fc.record({ id: fc.oneof(fc.string(), fc.constant('1')), type: fc.constant('subscribe'), payload: fc.record({ query, variables }, { requiredKeys: [] }) }).map((m) => JSON.stringify(m)),
    fc.record({ id: fc.string(), type: fc.constantFrom('complete', 'ping', 'pong', 'next', 'bogus') }).map((m) => JSON.stringify(m)),
    fc.string({ maxLength: 100 }),
    json.map((value) => JSON.stringify(value)),
  ),
  { minLength: 1, maxLength: 5 },
);

it('answers random and malformed operations over HTTP, SSE and graphql-ws without a 5xx, and keeps answering', async () => {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.record({ kind: fc.constantFrom('post' as const, 'sse' as const), text: body, contentType: fc.constantFrom('application/json', 'application/graphql', 'text/plain', 'application/x-www-form-urlencoded') }),
        fc.record({ kind: fc.constant('get' as const), text: query, contentType: fc.constant('') }),
        fc.record({ kind: fc.constant('ws' as const), messages: wsMessages }),
      ),
      async (input) => {
        if (input.kind === 'ws') {
          const code = await sendWs([JSON.stringify({ type: 'connection_init' }), ...input.messages]);
          expect(code).not.toBe(1011); // internal error
          return;
        }
        expect(await sendHttp(input.kind, input.text, input.contentType)).toBeLessThan(500);
      },
    ),
    { numRuns: 1000, interruptAfterTimeLimit: 10_000, seed: Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000) },
  );
  const after = await httpRequest<{ stream: { fps: number } }>(running.url, '{ stream { fps } cameras { id status } }');
  expect(after.errors).toBeUndefined();
  expect(after.data?.stream.fps).toBeGreaterThanOrEqual(0);
  await recordFigures('fuzz', { ...tried, inputs: tried.http + tried.get + tried.sse + tried.ws, seconds: Math.round((Date.now() - started) / 1000) });
}, 60_000);
