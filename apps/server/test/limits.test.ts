/**
 * Abuse limits through the real transports, each refused with a clear error:
 * depth, aliases (no `frames` 50 times), tokens, subscriptions per
 * connection, connections per address, body size, mutation rate; and masked
 * errors (no stack or path to clients).
 */
import { connect, type Socket } from 'node:net';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionOptions, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, httpRequest, sseEvents, type Running, startServer, until, wsClient, wsRequest } from './helpers/clients.ts';

let running: Running;

beforeAll(async () => {
  running = await startServer({
    cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }],
    limits: { maxSubscriptionsPerConnection: 3, maxConnectionsPerAddress: 8, maxBodyBytes: 16_384, mutationsPerMinute: 60 },
  });
});
afterAll(closeAll);

type ErrorJson = { readonly message: string; readonly extensions?: { readonly code?: unknown } | undefined };
type Errors = { readonly errors?: readonly ErrorJson[] | undefined };
const code = (result: unknown) => (result as Errors).errors?.[0]?.extensions?.code;

/** The error codes a graphql-ws operation fails with (graphql-ws throws the errors). */
async function wsErrorCodes(query: string): Promise<string[]> {
  const failure = await wsRequest(wsClient(running.wsUrl), query).then(
    (result) => (result as Errors).errors ?? [],
    (error: unknown) => (Array.isArray(error) ? (error as readonly ErrorJson[]) : []),
  );
  return failure.map((error) => String(error.extensions?.code ?? ''));
}

/** The error codes of an operation over SSE: the first event's errors. */
async function sseErrorCodes(query: string): Promise<string[]> {
  const events = sseEvents(running.url, query);
  try {
    const first = await events.next();
    const payload = first.done ? {} : (JSON.parse(first.value.data) as Errors);
    return (payload.errors ?? []).map((error) => String(error.extensions?.code ?? ''));
  } finally {
    await events.return(undefined);
  }
}

/** Nine levels, none of them introspection (the fields need not exist: the limit is checked all the same). */
const DEEP = '{ cameras { error { code { a { b { c { d { e { f } } } } } } } } }';

/** graphql's introspection query as tools send it: the default, GraphiQL's, and every option on. */
const INTROSPECTION_VARIANTS: Record<string, IntrospectionOptions> = {
  default: {},
  graphiql: { inputValueDeprecation: true, schemaDescription: false },
  everything: { specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true },
};

describe('operation limits', () => {
  it('refuses 50 aliased frames subscriptions in one operation (QUERY_TOO_COMPLEX), over HTTP and graphql-ws', async () => {
    const aliases = Array.from({ length: 50 }, (_, i) => `f${i}: snapshot { seq }`).join(' ');
    expect(code(await httpRequest(running.url, `{ ${aliases} }`))).toBe('QUERY_TOO_COMPLEX');
    const frames = Array.from({ length: 50 }, (_, i) => `f${i}: frames { seq }`).join(' ');
    expect(await wsErrorCodes(`subscription { ${frames} }`)).toContain('QUERY_TOO_COMPLEX');
  });

  it('counts aliases hidden in fragments', async () => {
    const fields = Array.from({ length: 6 }, (_, i) => `a${i}: cameras { id }`).join(' ');
    const result = await httpRequest(running.url, `query { ...F ...G } fragment F on Query { ${fields} } fragment G on Query { ${fields.replace(/a(\d)/g, 'b$1')} }`);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/more than 10 aliases/);
  });

  it('refuses a deep operation, over HTTP, SSE and graphql-ws', async () => {
    const result = await httpRequest(running.url, DEEP);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/deeper than 8/);
    expect(await wsErrorCodes(DEEP)).toContain('QUERY_TOO_COMPLEX');
    expect(await sseErrorCodes(`subscription { cameraStatus ${DEEP.slice(DEEP.indexOf('{', 2))}`)).toContain('QUERY_TOO_COMPLEX');
  });

  it('refuses a document with too many tokens (GRAPHQL_PARSE_FAILED), over HTTP and graphql-ws', async () => {
    const document = `{ stream(a: [${'1 '.repeat(2500)}]) { fps } }`;
    const result = await httpRequest(running.url, document);
    expect(code(result)).toBe('GRAPHQL_PARSE_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/more tha[nt] 2000 tokens/);
    expect(await wsErrorCodes(document)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });
});

describe('introspection and the limits', () => {
  it.each(Object.entries(INTROSPECTION_VARIANTS))('lets the introspection query through with the default limits: %s', async (_name, options) => {
    const query = getIntrospectionQuery(options);
    const result = await httpRequest<IntrospectionQuery>(running.url, query);
    expect(result.errors).toBeUndefined();
    const schema = buildClientSchema(result.data!);
    expect(schema.getSubscriptionType()?.getFields()['frames']).toBeDefined();
  });

  it("lets GraphiQL's retry without subscriptionType through, and over graphql-ws too", async () => {
    const query = getIntrospectionQuery({ inputValueDeprecation: true }).replace('subscriptionType { name }', '');
    expect((await httpRequest(running.url, query)).errors).toBeUndefined();
    expect((await wsRequest<IntrospectionQuery>(wsClient(running.wsUrl), getIntrospectionQuery())).data?.__schema.types.length).toBeGreaterThan(10);
  });

  it('lets deep introspection under __schema and __type through', async () => {
    const ofTypes = (levels: number): string => (levels === 0 ? 'name' : `kind ofType { ${ofTypes(levels - 1)} }`);
    const schema = await httpRequest(running.url, `{ __schema { types { fields { type { ${ofTypes(10)} } } } } }`);
    expect(schema.errors).toBeUndefined();
    const type = await httpRequest(running.url, `{ __type(name: "Query") { fields { args { type { ${ofTypes(10)} } } } } }`);
    expect(type.errors).toBeUndefined();
  });

  it('still counts the other fields of an operation that also introspects', async () => {
    const result = await httpRequest(running.url, `{ __typename __schema { queryType { name } } ${DEEP.slice(1, -1)} }`);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/deeper than 8/);
  });

  it('does not take a field aliased __schema or __type for introspection', async () => {
    for (const alias of ['__schema', '__type']) {
      const result = await httpRequest(running.url, `{ ${alias}: ${DEEP.slice(2, -1)} }`);
      expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    }
  });

  it('counts depth hidden in fragments beside introspection', async () => {
    const result = await httpRequest(running.url, `query { ...I ...D } fragment I on Query { __type(name: "Camera") { name } } fragment D on Query ${DEEP}`);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/deeper than 8/);
  });

  it('refuses introspection that loops through types and fields', async () => {
    const result = await httpRequest(running.url, '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }');
    expect(result.errors?.[0]?.message).toMatch(/Maximum introspection depth exceeded/);
    expect(result.data).toBeUndefined();
  });

  it('counts fields outside introspection: more than 200 is refused', async () => {
    const fields = Array.from({ length: 40 }, () => 'cameras { id label status width height }').join(' ');
    const result = await httpRequest(running.url, `query Many { __schema { types { name } } ...F } fragment F on Query { ${fields} }`);
    expect(code(result)).toBe('QUERY_TOO_COMPLEX');
    expect(result.errors?.[0]?.message).toMatch(/"Many" selects more than 200 fields/);
  });
});

describe('subscriptions per connection', () => {
  it('refuses the subscription past the limit with TOO_MANY_SUBSCRIPTIONS; the others keep running', async () => {
    const client = wsClient(running.wsUrl);
    const open = Array.from({ length: 3 }, () => client.iterate({ query: 'subscription { streamSettings { fps } }' }));
    for (const it of open) void it.next();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await client.iterate({ query: 'subscription { cameraStatus { id } }' }).next().catch((error: unknown) => error);
    expect(JSON.stringify(refused)).toContain('TOO_MANY_SUBSCRIPTIONS');
    for (const it of open) await it.return?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = (await wsRequest<{ stream: { fps: number } }>(client, '{ stream { fps } }')).data;
    expect(after?.stream.fps).toBeGreaterThanOrEqual(0);
  });
});

describe('connections per address', () => {
  it('answers 429 to the TCP connection past the hard cap (twice the limit) and accepts again once others close', async () => {
    const server = await startServer({ cameras: [{ id: 'cam', source: 'synthetic:160x120@30' }], limits: { maxConnectionsPerAddress: 4 } });
    const { port } = new URL(server.url);
    const sockets: Socket[] = [];
    const received: string[] = [];
    try {
      const cap = 2 * 4;
      for (let i = 0; i <= cap; i++) {
        const socket = connect(Number(port), '127.0.0.1');
        const index = i;
        received[index] = '';
        socket.on('data', (chunk) => (received[index] += chunk.toString('latin1')));
        socket.on('error', () => {});
        await new Promise((resolve) => socket.once('connect', resolve));
        sockets.push(socket);
      }
      await until(() => received[cap]!.length > 0, 'the refusal');
      expect(received[cap]).toMatch(/^HTTP\/1\.1 429 /);
      expect(received[cap]).toContain('TOO_MANY_CONNECTIONS');
      expect(received.slice(0, cap)).toEqual(Array.from({ length: cap }, () => ''));
    } finally {
      for (const socket of sockets) socket.destroy();
    }
    await until(async () => (await fetch(`${server.url}/healthz`).catch(() => undefined))?.status === 200, 'a connection accepted again');
  });
});

describe('request body size', () => {
  it('answers 413 to a body over the limit, declared or chunked', async () => {
    const big = JSON.stringify({ query: `{ stream { fps } } # ${'x'.repeat(20_000)}` });
    const declared = await fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    const chunked = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('closes a graphql-ws connection whose message is over the limit', async () => {
    const client = wsClient(running.wsUrl);
    const result = await wsRequest(client, `{ stream { fps } } # ${'x'.repeat(20_000)}`).catch((error: unknown) => error);
    expect((result as { code?: number }).code).toBe(1009);
  });
});

describe('mutation rate', () => {
  it('refuses mutations past the burst with RATE_LIMITED and changes nothing then', async () => {
    const codes: unknown[] = [];
    for (let i = 0; i < 12; i++) {
      codes.push(code(await httpRequest(running.url, `mutation { updateStream(input: { quality: ${50 + i} }) { quality } }`)));
    }
    expect(codes.slice(0, 5)).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(codes).toContain('RATE_LIMITED');
    const quality = running.server.stream.settings.quality;
    expect(code(await httpRequest(running.url, 'mutation { updateStream(input: { quality: 99 }) { quality } }'))).toBe('RATE_LIMITED');
    expect(running.server.stream.settings.quality).toBe(quality);
  });
});

describe('masked errors', () => {
  it('shows no stack trace or internal path for malformed input', async () => {
    const responses = await Promise.all([
      fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' }),
      fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ stream { fps } }", "variables": "x"}' }),
      fetch(`${running.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
    ]);
    for (const response of responses) {
      expect(response.status).toBeLessThan(500);
      const text = await response.text();
      expect(text).not.toMatch(/\bat .*\(|node_modules|\/work\/|\.ts:\d+/);
    }
  });
});
