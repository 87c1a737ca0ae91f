/**
 * Trusted proxies (security/proxies.ts): X-Forwarded-For names the client
 * only when the socket's peer is a trusted proxy, and then its rightmost
 * address that is not a trusted proxy. Limits are keyed on that client, so
 * behind nginx one user no longer spends everybody's budget; from any other
 * peer the header is ignored, so nobody escapes a limit by writing it.
 */
import { connect } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TrustedProxies } from '../src/security/proxies.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';
import { send, upgrade } from './helpers/forged-http.ts';

const CAMERAS = [{ id: 'cam', source: 'synthetic:160x120@30' }];
const MUTATION = JSON.stringify({ query: 'mutation { updateStream(input: { fps: 5 }) { fps } }' });

afterAll(closeAll);

describe('the client address of X-Forwarded-For', () => {
  const proxies = new TrustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('is ignored from a peer that is not a trusted proxy', () => {
    expect(proxies.clientAddress('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
  });

  it('is the rightmost address from a trusted proxy (what the proxy appended), not what the client wrote left of it', () => {
    expect(proxies.clientAddress('127.0.0.1', '1.2.3.4, 198.51.100.1')).toBe('198.51.100.1');
  });

  it('skips trusted proxies from the right, through a chain', () => {
    expect(proxies.clientAddress('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.0.0.7, fd00::2')).toBe('198.51.100.1');
  });

  it('is the peer when the header is absent or empty', () => {
    expect(proxies.clientAddress('127.0.0.1', null)).toBe('127.0.0.1');
    expect(proxies.clientAddress('127.0.0.1', '')).toBe('127.0.0.1');
  });

  it('stops at an entry that is no address: the last trusted hop stands for the client', () => {
    expect(proxies.clientAddress('127.0.0.1', '198.51.100.1, nonsense')).toBe('127.0.0.1');
    expect(proxies.clientAddress('127.0.0.1', '198.51.100.1, unknown, 10.0.0.7')).toBe('10.0.0.7');
    expect(proxies.clientAddress('127.0.0.1', '198.51.100.1,,')).toBe('127.0.0.1');
  });

  it('reads ports, brackets and IPv4-mapped addresses', () => {
    expect(proxies.clientAddress('127.0.0.1', '198.51.100.1:4711')).toBe('198.51.100.1');
    expect(proxies.clientAddress('127.0.0.1', '[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(proxies.clientAddress('127.0.0.1', '2001:DB8::1')).toBe('2001:db8::1');
    expect(proxies.clientAddress('127.0.0.1', '::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(proxies.clientAddress('::ffff:127.0.0.1', '198.51.100.1')).toBe('198.51.100.1');
  });

  it('reads only the end of a huge header, and a bounded number of hops', () => {
    expect(proxies.clientAddress('127.0.0.1', `${'9.9.9.9, '.repeat(200_000)}198.51.100.1`)).toBe('198.51.100.1');
    expect(proxies.clientAddress('127.0.0.1', `${'x'.repeat(1_000_000)}, 198.51.100.1`)).toBe('198.51.100.1');
    // More trusted hops than are read: the last one read stands for the client, never what lies beyond.
    expect(proxies.clientAddress('127.0.0.1', `198.51.100.1, ${Array.from({ length: 40 }, (_, i) => `10.0.0.${i + 1}`).join(', ')}`)).toMatch(/^10\.0\.0\./);
  });
});

/** A mutation over HTTP from 127.0.0.1 claiming to be forwarded for `client`; its error code, if any. */
async function mutate(running: Running, client: string): Promise<string | undefined> {
  const response = await send(`${running.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: MUTATION,
  });
  const body = JSON.parse(response.body) as { errors?: Array<{ extensions?: { code?: string } }> };
  return body.errors?.[0]?.extensions?.code;
}

describe('limits behind a trusted proxy', () => {
  it('keys the mutation rate limit on the forwarded client: one client spends only its own budget', async () => {
    const running = await startServer({ cameras: CAMERAS, trustedProxies: ['127.0.0.1'], limits: { mutationsPerMinute: 5 } });
    for (let i = 0; i < 5; i++) expect(await mutate(running, '198.51.100.1')).toBeUndefined();
    expect(await mutate(running, '198.51.100.1')).toBe('RATE_LIMITED');
    expect(await mutate(running, '198.51.100.2')).toBeUndefined();
  });

  it('ignores X-Forwarded-For from a peer that is not trusted: a new header escapes no limit', async () => {
    const running = await startServer({ cameras: CAMERAS, trustedProxies: ['10.0.0.0/8'], limits: { mutationsPerMinute: 5 } });
    for (let i = 0; i < 5; i++) expect(await mutate(running, `198.51.100.${i + 1}`)).toBeUndefined();
    expect(await mutate(running, '198.51.100.99')).toBe('RATE_LIMITED');
  });

  it('keys the unauthenticated WebSocket budget on the forwarded client', async () => {
    const running = await startServer({
      cameras: CAMERAS,
      auth: { operatorToken: 'proxies-test-operator-token-0123456789' },
      trustedProxies: ['127.0.0.1'],
      limits: { maxUnauthenticatedConnectionsPerAddress: 1, authTimeoutMs: 60_000 },
    });
    const first = await upgrade(running.wsUrl, { 'x-forwarded-for': '198.51.100.1' });
    const again = await upgrade(running.wsUrl, { 'x-forwarded-for': '198.51.100.1' });
    const other = await upgrade(running.wsUrl, { 'x-forwarded-for': '198.51.100.2' });
    for (const result of [first, again, other]) result.socket?.destroy();
    expect([first.status, again.status, other.status]).toEqual([101, 429, 101]);
  });
});

describe('TCP connections of a trusted proxy', () => {
  const sockets: Array<ReturnType<typeof connect>> = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });

  /** Opens `count` keep-alive connections, a request on each; the status line each one got. */
  async function statuses(running: Running, count: number): Promise<string[]> {
    const { port } = new URL(running.url);
    const replies = await Promise.all(
      Array.from({ length: count }, () => {
        const socket = connect(Number(port), '127.0.0.1');
        sockets.push(socket);
        socket.on('error', () => {});
        return new Promise<string>((resolve) => {
          socket.once('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
          socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0]!));
          socket.once('close', () => resolve('closed'));
        });
      }),
    );
    return replies;
  }

  it('are not capped per address (the proxy carries many clients)', async () => {
    const running = await startServer({ cameras: CAMERAS, trustedProxies: ['127.0.0.1'], limits: { maxConnectionsPerAddress: 2 } });
    const replies = await statuses(running, 6);
    expect(replies.every((line) => line.startsWith('HTTP/1.1 200'))).toBe(true);
  });

  it('of any other peer are capped at twice maxConnectionsPerAddress', async () => {
    const running = await startServer({ cameras: CAMERAS, limits: { maxConnectionsPerAddress: 2 } });
    const replies = await statuses(running, 6);
    expect(replies.filter((line) => line.startsWith('HTTP/1.1 429'))).toHaveLength(2);
  });
});
