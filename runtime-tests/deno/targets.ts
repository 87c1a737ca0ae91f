/**
 * The servers the scenarios run against: the same app on each runtime
 * adapter that applies under Deno.
 *
 * - `node:http` in process: adapters/node.ts (`node:http` + `ws`) through
 *   Deno's Node compatibility, capture in a worker thread.
 * - `Deno.serve` in process: adapters/deno.ts, Deno's own HTTP and WebSocket,
 *   capture in a worker thread.
 * - `Deno.serve` through the CLI: `pnpm servercam:deno serve` as a child
 *   process (scripts/servercam-deno.sh, with the README's permissions), which
 *   picks the Deno adapter itself; capture in a supervised child process.
 *
 * Every server has auth on (an operator token) and the same cameras.
 *
 * The server's modules are loaded by URL, and typed by the little this file
 * uses: `deno check` then checks the suite, not the server (which tsc checks).
 * @module
 */

/** What the scenarios read of a server's stats. */
export interface ServerStats {
  readonly graphqlWsFrames: { readonly fastPath: number; readonly normalPath: number };
}

interface InProcessServer {
  listen(): Promise<{ url: string }>;
  stats(): ServerStats;
  close(): Promise<void>;
}

interface ServerAdapter {
  readonly name: string;
}

/** Loads a module of apps/server/src by its path there. */
function serverModule<T>(path: string): Promise<T> {
  return import(new URL(`../../apps/server/src/${path}`, import.meta.url).href) as Promise<T>;
}

/** The operator token of every target (a random 192-bit hex string). */
export const TOKEN = Array.from(crypto.getRandomValues(new Uint8Array(24)), (byte) => byte.toString(16).padStart(2, '0')).join('');

export const CAMERAS = [
  { id: 'desk', source: 'synthetic:320x240@20' },
  { id: 'side', source: 'synthetic:160x120@20' },
] as const;

export interface Target extends AsyncDisposable {
  /** The adapter serving: `node:http` or `Deno.serve`. */
  readonly adapter: string;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** ws://127.0.0.1:PORT/graphql */
  readonly wsUrl: string;
  /** The server's stats, for a server in this process. */
  readonly stats: (() => ServerStats) | undefined;
  /** The log lines of a CLI child, as JSON objects. */
  readonly logLines: (() => Array<Record<string, unknown>>) | undefined;
  /** Graceful shutdown: `close()` in process, SIGTERM to a child (resolving with its exit code). */
  stop(): Promise<number>;
}

export interface TargetKind {
  readonly name: string;
  start(video: string): Promise<Target>;
}

/** A server in this process, on `adapter`. */
function inProcess(adapterName: 'node:http' | 'Deno.serve'): TargetKind {
  return {
    name: `${adapterName} in process (capture in a worker)`,
    async start(video) {
      const { createServer } = await serverModule<{ createServer(options: Record<string, unknown>): InProcessServer }>('index.ts');
      const adapter = adapterName === 'Deno.serve'
        ? (await serverModule<{ DENO_ADAPTER: ServerAdapter }>('adapters/deno.ts')).DENO_ADAPTER
        : (await serverModule<{ NODE_ADAPTER: ServerAdapter }>('adapters/node.ts')).NODE_ADAPTER;
      const server = createServer({
        host: '127.0.0.1',
        port: 0,
        cameras: [...CAMERAS, { id: 'file', source: video }],
        fps: 20,
        isolation: 'worker',
        uiDir: false,
        auth: { operatorToken: TOKEN },
        adapter,
      });
      const { url } = await server.listen();
      return {
        adapter: adapter.name,
        url,
        wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
        stats: () => server.stats(),
        logLines: undefined,
        stop: async () => {
          await server.close();
          return 0;
        },
        [Symbol.asyncDispose]: () => server.close(),
      };
    },
  };
}

/** `pnpm servercam:deno serve` (scripts/servercam-deno.sh) as a child process. */
const cli: TargetKind = {
  name: 'Deno.serve through the CLI (capture in a child process)',
  async start(video) {
    const root = new URL('../../', import.meta.url).pathname;
    // Never the default ./servercam-data: a temporary data directory, removed once the process has exited.
    const dataDir = Deno.makeTempDirSync({ prefix: 'servercam-deno-data-' });
    const child = new Deno.Command('bash', {
      args: [
        `${root}scripts/servercam-deno.sh`, 'serve',
        '--host', '127.0.0.1', '--port', '0', '--fps', '20', '--isolation', 'process', '--data-dir', dataDir,
        ...[...CAMERAS, { id: 'file', source: video }].flatMap((camera) => ['--camera', `${camera.id}=${camera.source}`]),
      ],
      env: { NO_COLOR: '1', FORCE_COLOR: '0', SERVERCAM_OPERATOR_TOKEN: TOKEN },
      stdin: 'null',
      stdout: 'piped',
      stderr: 'piped',
    }).spawn();
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    const readStdout = (async () => {
      let rest = '';
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          try {
            lines.push(JSON.parse(line) as Record<string, unknown>);
          } catch {
            lines.push({ text: line });
          }
        }
      }
    })();
    const readStderr = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
    })();
    let exited: Deno.CommandStatus | undefined;
    const status = child.status.then(async (result) => {
      exited = result;
      await Promise.all([readStdout, readStderr]);
      Deno.removeSync(dataDir, { recursive: true });
      return result;
    });
    const signal = async (name: Deno.Signal): Promise<number> => {
      if (!exited) {
        try {
          child.kill(name);
        } catch {
          // Already gone.
        }
      }
      return (await status).code;
    };
    const end = Date.now() + 30_000;
    for (;;) {
      const banner = lines.find((line) => typeof line['msg'] === 'string' && line['msg'].includes('is listening') && typeof line['url'] === 'string');
      if (banner) {
        const url = banner['url'] as string;
        return {
          adapter: 'Deno.serve',
          url,
          wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
          stats: undefined,
          logLines: () => lines,
          stop: () => signal('SIGTERM'),
          [Symbol.asyncDispose]: async () => void (await signal('SIGKILL')),
        };
      }
      if (exited || Date.now() > end) {
        await signal('SIGKILL');
        throw new Error(`servercam under Deno ${exited ? `exited with ${exited.code}` : 'printed no banner'}:\n${stderr}\n${JSON.stringify(lines)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  },
};

export const TARGETS: readonly TargetKind[] = [inProcess('node:http'), inProcess('Deno.serve'), cli];
