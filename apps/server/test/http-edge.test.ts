/**
 * The HTTP edge on raw sockets: each request that once killed the process (or
 * that no route serves) gets its 4xx, and the server answers /healthz after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureServer, silentLogger } from '../src/index.ts';
import { closeAll, type Running, startServer } from './helpers/clients.ts';
import { healthStatus, rawRequest, requestHead, UPGRADE_HEADERS } from './helpers/raw-http.ts';
import { hasRedis, type RedisProcess, startRedis } from './helpers/redis.ts';

let running: Running;
let port: number;

beforeAll(async () => {
  running = await startServer({ cameras: [{ id: 'cam', source: 'synthetic:160x120' }] });
  port = running.server.address!.port;
});

afterAll(closeAll);

/** Sends one request, then checks that the server still answers /healthz. */
async function answerThenHealthy(bytes: string): Promise<{ status: number; headers: Readonly<Record<string, string>>; body: string }> {
  const answer = await rawRequest(port, bytes);
  expect(await healthStatus(port)).toBe(200);
  return answer;
}

describe('methods the server does not serve: 405 with Allow', () => {
  it.each(['TRACE', 'PUT', 'PATCH', 'PROPFIND', 'M-SEARCH'])('%s / answers 405 with Allow', async (method) => {
    const answer = await answerThenHealthy(requestHead(method, '/'));
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD, POST, OPTIONS, DELETE');
  });

  it('CONNECT answers 405 with Allow (not a dropped connection)', async () => {
    const answer = await answerThenHealthy(requestHead('CONNECT', '127.0.0.1:443'));
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD, POST, OPTIONS, DELETE');
  });

  it('a method Node does not know (FOO) answers 405 with Allow', async () => {
    const answer = await answerThenHealthy(requestHead('FOO', '/'));
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD, POST, OPTIONS, DELETE');
  });

  it('TRACE on /graphql answers 405 too', async () => {
    expect((await answerThenHealthy(requestHead('TRACE', '/graphql'))).status).toBe(405);
  });
});

describe('bad request targets: 400', () => {
  it.each(['//', '///', '//%', '//x:99999/', 'http://[', 'http://a:b@/', '/\\evil.example/', '/..//evil.example', '*', 'ftp://h/healthz'])(
    'GET %s answers 400 BAD_REQUEST_TARGET',
    async (target) => {
      const answer = await answerThenHealthy(requestHead('GET', target));
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'BAD_REQUEST_TARGET' });
    },
  );

  it('an authority-form target on GET (127.0.0.1:80) answers 400', async () => {
    expect((await answerThenHealthy(requestHead('GET', '127.0.0.1:80'))).status).toBe(400);
  });

  it('an absolute-form target that parses is served by its path', async () => {
    const answer = await answerThenHealthy(requestHead('GET', 'http://127.0.0.1/healthz'));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"status"');
  });

  it('a malformed percent-escape in a camera id answers 400', async () => {
    expect((await answerThenHealthy(requestHead('GET', '/cameras/%E0%A4%A/snapshot.jpg'))).status).toBe(400);
  });
});

describe('header values are capped before any parser sees them: 431', () => {
  it.each([
    ['Range', 'bytes=' + ' '.repeat(3000) + '1-2x'],
    ['Authorization', 'Bearer ' + 'a'.repeat(5000)],
    ['Cookie', 'a=b; '.repeat(2000)],
    ['Origin', 'http://' + 'a'.repeat(2000) + '.example'],
    ['Accept', 'text/html, '.repeat(500)],
  ])('a long %s answers 431', async (name, value) => {
    const answer = await answerThenHealthy(requestHead('GET', '/healthz', [[name, value]]));
    expect(answer.status).toBe(431);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'HEADER_TOO_LARGE' });
  });

  it('a long Host answers 431', async () => {
    expect((await answerThenHealthy(requestHead('GET', '/healthz', [['Host', 'h'.repeat(1100)]]))).status).toBe(431);
  });

  it('a header repeated past its cap answers 431', async () => {
    const repeated = Array.from({ length: 40 }, () => ['Range', `bytes=0-1${',2-3'.repeat(8)}`] as const);
    expect((await answerThenHealthy(requestHead('GET', '/healthz', repeated))).status).toBe(431);
  });

  it('a head past Node’s 16 KiB answers 431', async () => {
    const many = Array.from({ length: 4 }, (_, i) => [`X-Pad-${i}`, 'p'.repeat(5000)] as const);
    expect((await answerThenHealthy(requestHead('GET', '/healthz', many))).status).toBe(431);
  });
});

describe('malformed HTTP: 400', () => {
  it('a CRLF injected in a header value answers 400', async () => {
    const answer = await answerThenHealthy('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rX-Injected: 1\r\n\r\n');
    expect(answer.status).toBe(400);
  });

  it('a NUL in a header value answers 400', async () => {
    expect((await answerThenHealthy('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\x00b\r\n\r\n')).status).toBe(400);
  });

  it('a non-ASCII (UTF-8) Authorization value is read as bytes: 200, no crash', async () => {
    const head = Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer é€\r\n\r\n', 'utf8').toString('latin1');
    expect((await answerThenHealthy(head)).status).toBe(200);
  });
});

describe('WebSocket upgrades get the same answers on the raw socket', () => {
  it('an upgrade to // answers 400', async () => {
    expect((await answerThenHealthy(requestHead('GET', '//', UPGRADE_HEADERS))).status).toBe(400);
  });

  it('an upgrade to http://[ answers 400', async () => {
    expect((await answerThenHealthy(requestHead('GET', 'http://[', UPGRADE_HEADERS))).status).toBe(400);
  });

  it('an upgrade with TRACE answers 405 with Allow: GET', async () => {
    const answer = await answerThenHealthy(requestHead('TRACE', '/graphql', UPGRADE_HEADERS));
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET');
  });

  it('an upgrade with a long Cookie answers 431', async () => {
    expect((await answerThenHealthy(requestHead('GET', '/graphql', [...UPGRADE_HEADERS, ['Cookie', 'c'.repeat(9000)]]))).status).toBe(431);
  });

  it('an upgrade to another path answers 404', async () => {
    expect((await answerThenHealthy(requestHead('GET', '/healthz', UPGRADE_HEADERS))).status).toBe(404);
  });

  it('an upgrade to /graphql is still accepted (101)', async () => {
    const answer = await rawRequest(port, requestHead('GET', '/graphql', UPGRADE_HEADERS), { end: false, body: false });
    expect(answer.status).toBe(101);
  });
});

describe('GraphQL parameters', () => {
  it('GET /graphql with malformed JSON variables answers 400 BAD_REQUEST', async () => {
    const answer = await answerThenHealthy(requestHead('GET', '/graphql?query=%7B__typename%7D&variables=%7B', [['Accept', 'application/json']]));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('GET /graphql with malformed JSON extensions answers 400', async () => {
    expect((await answerThenHealthy(requestHead('GET', '/graphql?query=%7B__typename%7D&extensions=%5B1', [['Accept', 'application/json']]))).status).toBe(400);
  });

  it('a form-encoded POST with malformed JSON variables answers 400', async () => {
    const body = 'query=%7B__typename%7D&variables=%7B';
    const head = requestHead('POST', '/graphql', [
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Content-Length', String(body.length)],
      ['Accept', 'application/json'],
    ]);
    expect((await answerThenHealthy(head + body)).status).toBe(400);
  });

  it('GET /graphql with well-formed variables still answers 200', async () => {
    const answer = await answerThenHealthy(requestHead('GET', '/graphql?query=%7B__typename%7D&variables=%7B%7D', [['Accept', 'application/json']]));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { __typename: 'Query' } });
  });
});

(hasRedis ? describe : describe.skip)('the capture node’s own server (real redis-server)', () => {
  let redis: RedisProcess;
  let capture: CaptureServer;
  let capturePort: number;

  beforeAll(async () => {
    redis = await startRedis();
    capture = new CaptureServer({ redisUrl: redis.url, cameras: [{ id: 'cam', source: 'synthetic:160x120' }], isolation: 'worker', logger: silentLogger() });
    capturePort = (await capture.listen(0)).port;
  });

  afterAll(async () => {
    await capture?.close();
    await redis?.stop();
  });

  const captureAnswer = async (bytes: string) => {
    const answer = await rawRequest(capturePort, bytes);
    expect(await healthStatus(capturePort)).toBe(200);
    return answer;
  };

  it('TRACE answers 405 with Allow: GET, HEAD', async () => {
    const answer = await captureAnswer(requestHead('TRACE', '/healthz'));
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD');
  });

  it('CONNECT answers 405', async () => {
    expect((await captureAnswer(requestHead('CONNECT', '127.0.0.1:443'))).status).toBe(405);
  });

  it('// answers 400', async () => {
    expect((await captureAnswer(requestHead('GET', '//'))).status).toBe(400);
  });

  it('a long Authorization answers 431', async () => {
    expect((await captureAnswer(requestHead('GET', '/healthz', [['Authorization', `Bearer ${'a'.repeat(5000)}`]]))).status).toBe(431);
  });

  it('an h2c upgrade request to /healthz is served as a plain request (curl --http2)', async () => {
    const answer = await captureAnswer(requestHead('GET', '/healthz', [['Connection', 'Upgrade, HTTP2-Settings'], ['Upgrade', 'h2c'], ['HTTP2-Settings', 'AAMAAABkAAQAoAAAAAIAAAAA']]));
    expect(answer.status).toBe(200);
  });

  it('a WebSocket upgrade to // answers 400', async () => {
    expect((await captureAnswer(requestHead('GET', '//', UPGRADE_HEADERS))).status).toBe(400);
  });
});
