/**
 * A fuzz of the HTTP layer on raw sockets, against `servercam serve`,
 * `gateway` and `capture` run as real processes (the built dist/cli.js; the
 * scale-out roles on a real redis-server): hostile methods, request targets,
 * headers, bodies and upgrades (helpers/hostile-http.ts), in batches, with
 * /healthz checked after each batch. No answer is a 5xx, the process stays up,
 * and no error reaches the process guard.
 *
 * Bounded: SERVERCAM_FUZZ_SECONDS per role (default 8). SERVERCAM_FUZZ_SEED
 * replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigures } from './helpers/figures.ts';
import { hostileRequest } from './helpers/hostile-http.ts';
import { healthStatus, rawRequest } from './helpers/raw-http.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';
import { type CliProcess, freePort, startCli } from '@servercam/testing';

const SECONDS = Number(process.env['SERVERCAM_FUZZ_SECONDS'] ?? 8);
const SEED = Number(process.env['SERVERCAM_FUZZ_SEED'] ?? Date.now() % 1_000_000);
const BATCH = 24;
const CONCURRENCY = 6;
const TOKENS = { SERVERCAM_VIEWER_TOKEN: 'fuzz-viewer-token-0123456789', SERVERCAM_OPERATOR_TOKEN: 'fuzz-operator-token-0123456789' };

type Child = CliProcess;

const children: Child[] = [];
let redis: RedisProcess | undefined;

/** Starts a role (the built CLI) and resolves once its /healthz answers 200. */
async function start(args: string[], port: number, env: Record<string, string> = {}): Promise<Child> {
  const child = await startCli([...args, '--port', String(port), '--log-level', 'warn'], `http://127.0.0.1:${port}`, { env, ready: (status) => status === 200 });
  children.push(child);
  return child;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

interface FuzzSummary {
  requests: number;
  batches: number;
  seconds: number;
  byStatus: Record<string, number>;
  serverErrors: string[];
  unhealthyAfter: string[];
}

/** Fuzzes the role on `port` for SECONDS; stops early when it answers a 5xx, fails /healthz or exits. */
async function fuzz(child: Child, port: number, seed: number): Promise<FuzzSummary> {
  const started = Date.now();
  const summary: FuzzSummary = { requests: 0, batches: 0, seconds: 0, byStatus: {}, serverErrors: [], unhealthyAfter: [] };
  while (Date.now() - started < SECONDS * 1000) {
    const batch = fc.sample(hostileRequest, { numRuns: BATCH, seed: seed + summary.batches });
    const answers = await eachLimited(batch, CONCURRENCY, (request) => rawRequest(port, request.bytes, { timeoutMs: 3000, body: false, end: request.halfClose }));
    summary.requests += batch.length;
    summary.batches++;
    answers.forEach((answer, i) => {
      const kind = answer.status === 0 ? 'closed' : answer.status === -1 ? 'timeout' : String(answer.status);
      summary.byStatus[kind] = (summary.byStatus[kind] ?? 0) + 1;
      if (answer.status >= 500) summary.serverErrors.push(`${answer.status} for ${batch[i]!.summary}`);
    });
    if ((await healthStatus(port)) !== 200 || child.child.exitCode !== null) {
      summary.unhealthyAfter.push(...batch.map((request) => request.summary));
      break;
    }
    if (summary.serverErrors.length > 0) break;
  }
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

/** The log lines of the process guard (an error that escaped a handler) or of a fatal error. */
function escapedErrors(child: Child): string[] {
  return child.lines.filter((line) => line.includes('"component":"process"') || line.includes('"level":60'));
}

async function fuzzRole(role: string, child: Child, port: number): Promise<void> {
  const summary = await fuzz(child, port, SEED);
  const line = `http fuzz [${role}]: ${summary.requests} requests in ${summary.batches} batches, ${summary.seconds} s, ${JSON.stringify(summary.byStatus)}, seed ${SEED}`;
  console.log(line);
  await recordFigures(`httpFuzz.${role}`, { requests: summary.requests, batches: summary.batches, seconds: summary.seconds, byStatus: summary.byStatus, seed: SEED });
  expect(summary.serverErrors, `${line}: 5xx answers`).toEqual([]);
  expect(summary.unhealthyAfter, `${line}: /healthz failed after this batch; log: ${child.lines.slice(-20).join('\n')}`).toEqual([]);
  expect(child.child.exitCode, `the ${role} process exited`).toBeNull();
  expect(escapedErrors(child)).toEqual([]);
}

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
  await redis?.stop();
});

describe('HTTP fuzz on raw sockets: servercam serve', () => {
  let serve: Child;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    serve = await start(['serve', '--camera', 'cam=synthetic:160x120', '--isolation', 'worker'], port);
  }, 40_000);

  it(`serve answers no 5xx and stays up through ${SECONDS} s of hostile requests`, async () => {
    await fuzzRole('serve', serve, port);
  }, SECONDS * 1000 + 30_000);
});

(hasRedis ? describe : describe.skip)('HTTP fuzz on raw sockets: servercam gateway and capture (real redis-server)', () => {
  let capture: Child;
  let gateway: Child;
  let capturePort: number;
  let gatewayPort: number;

  beforeAll(async () => {
    redis = await startRedis();
    [capturePort, gatewayPort] = [await freePort(), await freePort()];
    // The gateway with tokens: the fuzz meets the auth checks too.
    [capture, gateway] = await Promise.all([
      start(['capture', '--redis', redis.url, '--camera', 'cam=synthetic:160x120', '--isolation', 'worker'], capturePort),
      start(['gateway', '--redis', redis.url], gatewayPort, TOKENS),
    ]);
  }, 70_000);

  it(`the gateway answers no 5xx and stays up through ${SECONDS} s of hostile requests`, async () => {
    await fuzzRole('gateway', gateway, gatewayPort);
  }, SECONDS * 1000 + 30_000);

  it(`the capture node answers no 5xx and stays up through ${SECONDS} s of hostile requests`, async () => {
    await fuzzRole('capture', capture, capturePort);
  }, SECONDS * 1000 + 30_000);
});
