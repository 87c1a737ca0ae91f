/**
 * Web-standard clients for the server's transports (fetch, WebSocket,
 * streams only), and `servercam serve` started as a child Deno process.
 * @module
 */

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

/** A subscription over SSE (Yoga's distinct-connections mode): the first `count` `next` events, then the request is aborted. */
export async function sseSubscription<T>(url: string, query: string, count: number, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>[]> {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`SSE request failed: ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) throw new Error(`not SSE: ${type}`);
  const results: GraphQLResult<T>[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    while (results.length < count) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`the SSE stream ended after ${results.length} results`);
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0 && results.length < count) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (event === 'next') results.push(JSON.parse(data.join('\n')) as GraphQLResult<T>);
        else if (event === 'complete') throw new Error(`the subscription completed after ${results.length} results`);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
    controller.abort();
  }
  return results;
}

/** The first `count` parts of an MJPEG stream (multipart/x-mixed-replace), each with its headers. */
export async function mjpegParts(url: string, count: number): Promise<{ type: string; parts: Array<{ headers: Record<string, string>; data: Uint8Array }> }> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`MJPEG request failed: ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  const boundary = /boundary=([^;]+)/.exec(type)?.[1];
  if (!boundary) throw new Error(`no multipart boundary in "${type}"`);
  const reader = response.body.getReader();
  const parts: Array<{ headers: Record<string, string>; data: Uint8Array }> = [];
  let buffer = new Uint8Array(0);
  const latin1 = new TextDecoder('latin1');
  const fill = async (): Promise<void> => {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the MJPEG stream ended after ${parts.length} parts`);
    const next = new Uint8Array(buffer.length + value.length);
    next.set(buffer);
    next.set(value, buffer.length);
    buffer = next;
  };
  const indexOf = (text: string): number => latin1.decode(buffer).indexOf(text);
  try {
    while (parts.length < count) {
      let headerEnd: number;
      while ((headerEnd = indexOf('\r\n\r\n')) < 0) await fill();
      const lines = latin1.decode(buffer.subarray(0, headerEnd)).split('\r\n').filter((line, i) => i > 0 || line !== '');
      if (lines[0] !== `--${boundary}`) throw new Error(`expected the boundary, got "${lines[0]}"`);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length']);
      if (!Number.isInteger(length)) throw new Error('a part without Content-Length');
      const start = headerEnd + 4;
      while (buffer.length < start + length + 2) await fill();
      parts.push({ headers, data: buffer.slice(start, start + length) });
      buffer = buffer.slice(start + length + 2);
    }
  } finally {
    await reader.cancel().catch(() => {});
    controller.abort();
  }
  return { type, parts };
}

/** Base64 to bytes. */
export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
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
  const child = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', cli.pathname, 'serve', ...args],
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
