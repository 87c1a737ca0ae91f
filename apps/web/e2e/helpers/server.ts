/**
 * A real `servercam serve` as a child process on a free loopback port
 * (spawned and awaited by @servercam/testing).
 * @module
 */
import { existsSync } from 'node:fs';
import { ROOT, UI_DIR } from './paths.ts';
import { type CliProcess, freePort, startCli } from '@servercam/testing';

export interface ServeOptions {
  /** `ID=SOURCE` for each camera. */
  readonly cameras: readonly string[];
  readonly port?: number | undefined;
  readonly fps?: number | undefined;
  /** A config file (cameras with motion detection, dataDir…); `cameras` flags, if any, replace its cameras. */
  readonly config?: string | undefined;
  /** `--data-dir`: where the database (tokens, events) is kept; tests pass a temporary directory. */
  readonly dataDir?: string | undefined;
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


/** Starts the server (the kit's {@link startCli}, owned by the test file) and resolves once `/healthz` answers. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  if (!existsSync(`${UI_DIR}index.html`)) throw new Error(`The UI is not built: ${UI_DIR}index.html is missing (run pnpm --filter @servercam/web build)`);
  const port = options.port ?? (await freePort());
  const args = ['serve', '--host', '127.0.0.1', '--port', String(port), '--ui-dir', UI_DIR, '--log-level', 'warn'];
  if (options.fps !== undefined) args.push('--fps', String(options.fps));
  if (options.config !== undefined) args.push('--config', options.config);
  if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
  for (const camera of options.cameras) args.push('--camera', camera);
  const url = `http://127.0.0.1:${port}`;
  let cli: CliProcess;
  try {
    cli = await startCli(args, url, { cwd: ROOT, env: options.env, keep: 50, ready: (status) => status < 500 || status === 503 });
  } catch (error) {
    throw new Error(`servercam serve did not start: ${(error as Error).message}`, { cause: error });
  }
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => void (await cli.stop(signal));
  return { url, port, log: () => cli.lines.join('\n'), stop, [Symbol.asyncDispose]: () => stop() };
}
