/**
 * Web-standard clients for the server's transports (fetch, WebSocket,
 * streams only; the SSE and MJPEG parsers are the test kit's), and
 * `servercam serve` started as a child Deno process.
 * @module
 */

import { type MjpegPart, mjpegParts as readMjpeg } from '../../packages/testing/src/mjpeg.ts';
import { sseEvents } from '../../packages/testing/src/sse.ts';

export { fromBase64 } from '../../packages/testing/src/jpeg.ts';

export type GraphQLResult<T> = { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

/** A query or mutation over HTTP. */
export async function httpGraphQL<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.ok) throw new Error(`GraphQL over HTTP failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as GraphQLResult<T>;
}

/**
 * One subscription over graphql-ws (the `graphql-transport-ws` protocol),
 * with Deno's own WebSocket: the first `count` results, then `complete` and close.
 */
export async function wsSubscription<T>(wsUrl: string, query: string, count: number, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>[]> {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const results: GraphQLResult<T>[] = [];
  const closed = new Promise<void>((resolve) => socket.addEventListener('close', () => resolve(), { once: true }));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('error', () => reject(new Error(`WebSocket to ${wsUrl} failed`)), { once: true });
      socket.addEventListener('close', (event) => reject(new Error(`WebSocket closed: ${event.code} ${event.reason}`)), { once: true });
      socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'connection_init' })), { once: true });
      socket.addEventListener('message', (event) => {
        const message = JSON.parse(String(event.data)) as { type: string; id?: string; payload?: unknown };
        if (message.type === 'connection_ack') {
          socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
        } else if (message.type === 'ping') {
          socket.send(JSON.stringify({ type: 'pong' }));
        } else if (message.type === 'next' && message.id === '1') {
          results.push(message.payload as GraphQLResult<T>);
          if (results.length >= count) resolve();
        } else if (message.type === 'error') {
          reject(new Error(`subscription error: ${JSON.stringify(message.payload)}`));
        } else if (message.type === 'complete') {
          reject(new Error(`the subscription completed after ${results.length} results`));
        }
      });
    });
    socket.send(JSON.stringify({ id: '1', type: 'complete' }));
  } finally {
    if (socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'done');
    await closed;
  }
  return results;
}

/** A subscription over SSE (the kit's parser): the first `count` `next` events, then the request is aborted. */
export async function sseSubscription<T>(url: string, query: string, count: number, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>[]> {
  const results: GraphQLResult<T>[] = [];
  for await (const event of sseEvents(url, query, variables)) {
    if (event.event === 'complete') throw new Error(`the subscription completed after ${results.length} results`);
    if (event.event !== 'next') continue;
    results.push(JSON.parse(event.data) as GraphQLResult<T>);
    if (results.length >= count) return results;
  }
  throw new Error(`the SSE stream ended after ${results.length} results`);
}

/** The first `count` parts of an MJPEG stream (the kit's parser), each with its headers. */
export async function mjpegParts(url: string, count: number): Promise<{ type: string; parts: MjpegPart[] }> {
  const controller = new AbortController();
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok || !response.body) throw new Error(`MJPEG request failed: ${response.status}`);
    const parts: MjpegPart[] = [];
    for await (const part of readMjpeg(response)) {
      parts.push(part);
      if (parts.length >= count) return { type: response.headers.get('content-type') ?? '', parts };
    }
    throw new Error(`the MJPEG stream ended after ${parts.length} parts`);
  } finally {
    controller.abort();
  }
}

export interface ServeProcess extends AsyncDisposable {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** ws://127.0.0.1:PORT/graphql */
  readonly wsUrl: string;
  /** The JSON log lines the server printed so far. */
  readonly lines: Array<Record<string, unknown>>;
  /** Sends `signal` and resolves with the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Runs the `servercam` CLI under Deno, as `pnpm servercam:deno serve ARGS`
 * does, and resolves once its banner gives the URL it listens on.
 */
export async function serveWithDeno(args: readonly string[], timeoutMs = 30_000): Promise<ServeProcess> {
  const cli = new URL('../../apps/server/src/cli.ts', import.meta.url);
  // Never the default ./servercam-data: a temporary data directory, removed once the process has exited.
  const dataDir = args.includes('--data-dir') ? undefined : Deno.makeTempDirSync({ prefix: 'servercam-deno-data-' });
  const child = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', cli.pathname, 'serve', ...args, ...(dataDir ? ['--data-dir', dataDir] : [])],
    cwd: new URL('../../', import.meta.url).pathname,
    env: { NO_COLOR: '1', FORCE_COLOR: '0' },
    stdin: 'null',
    stdout: 'piped',
    stderr: 'piped',
  }).spawn();
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let stdoutText = '';
  const readStdout = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      stdoutText += chunk;
      const parts = stdoutText.split('\n');
      stdoutText = parts.pop() ?? '';
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
    if (dataDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    return result;
  });
  const stop = async (signal: Deno.Signal = 'SIGTERM'): Promise<Deno.CommandStatus> => {
    if (!exited) {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    }
    return await status;
  };
  const end = Date.now() + timeoutMs;
  for (;;) {
    const banner = lines.find((line) => typeof line['msg'] === 'string' && line['msg'].includes('is listening') && typeof line['url'] === 'string');
    if (banner) {
      const url = banner['url'] as string;
      return { url, wsUrl: `${url.replace(/^http/, 'ws')}/graphql`, lines, stop, [Symbol.asyncDispose]: async () => void (await stop('SIGKILL')) };
    }
    if (exited || Date.now() > end) {
      await stop('SIGKILL');
      throw new Error(`servercam under Deno ${exited ? `exited with ${exited.code}` : 'printed no banner'}:\n${stderr}\n${JSON.stringify(lines)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
