/**
 * The `servercam` CLI (the built `apps/server/dist/cli.js`) as a real child
 * process, owned by the test file ({@link own}), and waiting for its `/healthz`.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { own } from './children.ts';

/** The built CLI. */
export const SERVER_CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));

export interface CliOptions {
  /** Added to this process's environment (with FORCE_COLOR=0). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  /** Node's own flags, before the script (e.g. `--import`). */
  readonly nodeArgs?: readonly string[] | undefined;
  /** How many output lines to keep (default 2000). */
  readonly keep?: number | undefined;
}

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface CliProcess extends AsyncDisposable {
  readonly child: ChildProcess;
  /** The temporary data directory given to a server role (removed once the process has exited), if the kit chose one. */
  readonly dataDir: string | undefined;
  /** Its last output lines, stdout and stderr as they came. */
  readonly lines: string[];
  /** All it printed on stdout and stderr so far. */
  output(): string;
  /** All it printed on stdout so far. */
  stdout(): string;
  /** All it printed on stderr so far. */
  stderr(): string;
  /** Its stdout lines that are JSON objects (the log), so far. */
  logLines(): Array<Record<string, unknown>>;
  readonly exited: Promise<CliExit>;
  /** Sends `signal` (default SIGTERM) unless it has exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<CliExit>;
}

const SERVER_ROLES: ReadonlySet<string> = new Set(['serve', 'capture', 'gateway']);

/**
 * A server role (`serve`, `capture`, `gateway`) never writes the default
 * ./servercam-data of the working directory: without a `--data-dir` of the
 * test's own it gets a fresh temporary one (over a config file's `dataDir`).
 */
function withTempDataDir(args: readonly string[]): { args: readonly string[]; dataDir: string | undefined } {
  if (!SERVER_ROLES.has(args[0] ?? '') || args.some((arg) => arg === '--data-dir' || arg.startsWith('--data-dir='))) return { args, dataDir: undefined };
  const dataDir = mkdtempSync(join(tmpdir(), 'servercam-cli-data-'));
  return { args: [...args, '--data-dir', dataDir], dataDir };
}

/** Runs `node dist/cli.js ARGS`. @throws when the CLI is not built */
export function spawnCli(given: readonly string[], options: CliOptions = {}): CliProcess {
  if (!existsSync(SERVER_CLI)) throw new Error(`${SERVER_CLI} is missing: run "pnpm --filter @servercam/server build" first`);
  const { args, dataDir } = withTempDataDir(given);
  const child = own(spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_CLI, ...args], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', ...options.env },
  }));
  const keep = options.keep ?? 2000;
  const lines: string[] = [];
  let output = '';
  const streams = { stdout: '', stderr: '' };
  const onData = (name: keyof typeof streams) => (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output += text;
    streams[name] += text;
    lines.push(...text.split('\n').filter(Boolean));
    if (lines.length > keep) lines.splice(0, lines.length - keep);
  };
  child.stdout!.on('data', onData('stdout'));
  child.stderr!.on('data', onData('stderr'));
  const logLines = (): Array<Record<string, unknown>> => streams.stdout.split('\n').flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
  // Resolved on 'close' (its output read to the end), or 2 s after 'exit' when a
  // grandchild still holds the pipes open.
  const exited = new Promise<CliExit>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    child.once('exit', (code, signal) => {
      timer = setTimeout(() => resolve({ code, signal }), 2000);
      timer.unref();
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  if (dataDir !== undefined) void exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<CliExit> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { child, dataDir, lines, output: () => output, stdout: () => streams.stdout, stderr: () => streams.stderr, logLines, exited, stop, [Symbol.asyncDispose]: async () => void (await stop('SIGKILL')) };
}

export interface HealthOptions {
  /** Sent as a bearer token. */
  readonly token?: string | undefined;
  /** Which status means ready (default: 200, or 503 while a camera is not yet up). */
  readonly ready?: ((status: number) => boolean) | undefined;
  readonly timeoutMs?: number | undefined;
}

/**
 * Resolves once `url`/healthz answers a ready status; rejects, with what the
 * process printed, when it exits first or the time runs out.
 */
export async function waitForHealth(url: string, cli?: CliProcess, options: HealthOptions = {}): Promise<void> {
  const ready = options.ready ?? ((status: number) => status === 200 || status === 503);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const end = Date.now() + timeoutMs;
  const init = options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {};
  for (;;) {
    if (cli && (cli.child.exitCode !== null || cli.child.signalCode !== null)) {
      throw new Error(`the CLI exited (${cli.child.exitCode ?? cli.child.signalCode}) before ${url}/healthz answered:\n${cli.output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, init);
      await response.body?.cancel();
      if (ready(response.status)) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`no answer on ${url}/healthz within ${timeoutMs} ms${cli ? `:\n${cli.lines.slice(-50).join('\n')}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** {@link spawnCli}, then {@link waitForHealth} on `url`; kills the process when it does not get healthy. */
export async function startCli(args: readonly string[], url: string, options: CliOptions & HealthOptions = {}): Promise<CliProcess> {
  const cli = spawnCli(args, options);
  try {
    await waitForHealth(url, cli, options);
  } catch (error) {
    await cli.stop('SIGKILL');
    throw error;
  }
  return cli;
}

/**
 * Resolves with the startup banner (the log line saying it "is listening",
 * with its `url`); rejects with what it printed when it exits first or the
 * time runs out.
 */
export async function waitForBanner(cli: CliProcess, timeoutMs = 20_000): Promise<{ url: string; msg: string }> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const banner = cli.logLines().find((line) => typeof line['msg'] === 'string' && line['msg'].includes('is listening') && typeof line['url'] === 'string');
    if (banner) return { url: banner['url'] as string, msg: banner['msg'] as string };
    if (cli.child.exitCode !== null || cli.child.signalCode !== null) throw new Error(`servercam exited (${cli.child.exitCode ?? cli.child.signalCode}) before its banner:\n${cli.output()}`);
    if (Date.now() > end) throw new Error(`no banner within ${timeoutMs} ms:\n${cli.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
