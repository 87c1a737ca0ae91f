/**
 * Server-sent events read with fetch and web streams: a parser of an
 * `text/event-stream` body, and a GraphQL operation over SSE (Yoga's
 * distinct-connections mode).
 * @module
 */

export interface SseEvent {
  /** `message` unless the block named another. */
  readonly event: string;
  /** The block's `data:` lines, joined by newlines. */
  readonly data: string;
}

/** One event block (the text between blank lines); undefined for a comment-only block. */
export function parseSseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length > 0 || event !== 'message' ? { event, data: data.join('\n') } : undefined;
}

/** The events of an SSE body, as they arrive; cancels the body when the consumer stops. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replaceAll('\r\n', '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseSseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event) yield event;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * A GraphQL operation over SSE: POSTs it to `url`/graphql, with `headers`
 * added (an `authorization`, say), and yields its events. Aborting `signal`
 * (or stopping the iteration) ends the request.
 */
export async function* sseEvents(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): AsyncGenerator<SseEvent> {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query, variables }),
      signal: controller.signal,
    });
    if (response.status !== 200 || !response.body) throw new Error(`SSE request failed: ${response.status}`);
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream')) throw new Error(`not SSE: ${type}`);
    yield* parseSse(response.body);
  } finally {
    signal?.removeEventListener('abort', abort);
    controller.abort();
  }
}
