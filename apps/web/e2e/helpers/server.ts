/**
 * A real `servercam serve` as a child process on a free loopback port.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, SERVER_CLI, UI_DIR } from './paths.ts';
import { freePort, own } from '@servercam/testing';

export interface ServeOptions {
  /** `ID=SOURCE` for each camera. */
  readonly cameras: readonly string[];
  readonly port?: number | undefined;
  readonly fps?: number | undefined;
  /** A config file (cameras with motion detection, dataDir…); `cameras` flags, if any, replace its cameras. */
  readonly config?: string | undefined;
  /** Extra environment variables (e.g. SERVERCAM_OPERATOR_TOKEN). */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

export interface RunningServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** The last lines the server logged, for failure messages. */
  log(): string;
  /** Ends the process with `signal` and waits for its exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}


/** Starts the server and resolves once `/healthz` answers. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  if (!existsSync(SERVER_CLI)) throw new Error(`The server is not built: ${SERVER_CLI} is missing (run pnpm --filter @servercam/server build)`);
  if (!existsSync(`${UI_DIR}index.html`)) throw new Error(`The UI is not built: ${UI_DIR}index.html is missing (run pnpm --filter @servercam/web build)`);
  const port = options.port ?? (await freePort());
  const args = [SERVER_CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--ui-dir', UI_DIR, '--log-level', 'warn'];
  if (options.fps !== undefined) args.push('--fps', String(options.fps));
  if (options.config !== undefined) args.push('--config', options.config);
  for (const camera of options.cameras) args.push('--camera', camera);
  const child = own(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } }));
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 50));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stop('SIGKILL');
    throw new Error(`servercam serve did not start: ${(error as Error).message}\n${lines.join('\n')}`, { cause: error });
  }
  return { url, port, log: () => lines.join('\n'), stop, [Symbol.asyncDispose]: () => stop() };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.status < 500 || response.status === 503) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error('no answer on /healthz within 30 s');
}

