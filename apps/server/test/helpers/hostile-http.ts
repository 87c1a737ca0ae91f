/**
 * fast-check arbitraries of hostile HTTP/1.1 requests, as raw bytes: random
 * and hostile methods, request targets, header names and values (long,
 * repeated, non-ASCII, CRLF injection), bodies (with right, wrong or no
 * lengths, chunked or not) and WebSocket upgrades.
 */
import fc from 'fast-check';

const METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS', 'DELETE', 'PUT', 'PATCH', 'TRACE', 'CONNECT', 'PROPFIND', 'M-SEARCH', 'QUERY', 'PURGE', 'FOO', 'get', 'TRACK', 'G\tET', ''];

const PATHS = [
  '/',
  '/healthz',
  '/graphql',
  '/graphql?query=%7B__typename%7D',
  '/graphql?query=%7B__typename%7D&variables=%7B',
  '/graphql?query=%7B__typename%7D&extensions=%5B',
  '/graphql?query=subscription%7BstreamSettings%7Bfps%7D%7D',
  '/graphql?query=mutation%7BupdateStream(input%3A%7Bfps%3A1%7D)%7Bfps%7D%7D',
  '/cameras/cam/snapshot.jpg',
  '/cameras/cam/stream.mjpeg',
  '/cameras/cam/stream.mjpeg?maxWidth=-1&maxFps=NaN',
  '/cameras/nope/snapshot.jpg',
  '/cameras/%E0%A4%A/stream.mjpeg',
  '/events/x/clip.mp4',
  '/events/%ZZ/snapshot.jpg',
  '/auth/session',
  '/sign-in?next=%2F%09%2Fevil.example',
  '/cameras',
  '/events',
  '/_app/immutable/x.js',
  '/favicon.ico',
  '/../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
];

const HOSTILE_TARGETS = [
  '//',
  '///',
  '//%',
  '//x:99999/',
  'http://[',
  'http://a:b@/',
  '*',
  'a:1',
  '/%',
  '/%zz',
  '/\\evil.example',
  '/..//evil.example',
  'http://127.0.0.1/healthz',
  'https://x/graphql',
  'ftp://x/',
  '/?',
  '/#',
  '/a?b#c',
  'javascript:alert(1)',
  '',
  ' ',
  '/\x00',
  '/é',
];

const HEADER_NAMES = [
  'Host',
  'Origin',
  'Range',
  'Authorization',
  'Cookie',
  'Accept',
  'Content-Type',
  'Content-Length',
  'Transfer-Encoding',
  'Expect',
  'Connection',
  'Upgrade',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Version',
  'Sec-WebSocket-Protocol',
  'Sec-WebSocket-Extensions',
  'X-Forwarded-For',
  'X-Forwarded-Proto',
  'If-None-Match',
  'Accept-Encoding',
];

const HOSTILE_NAMES = ['X-Ä', 'Bad Name', '', ':authority', 'Host ', 'X\x00', 'X-A\r\nX-Injected', '(', 'Content-Length\t'];

const HOSTILE_VALUES = [
  'bytes=' + ' '.repeat(3000) + '1-2x',
  'bytes=0-1,2-3,' + '4-5,'.repeat(200),
  'bytes=-0',
  'bytes=9999999999999999999999-',
  'Bearer ' + ' '.repeat(2000) + 'x' + ' '.repeat(2000) + 'y',
  'Bearer 0000000000000000',
  'servercam_session=v1.operator.99999999999.x; '.repeat(20),
  'http://evil.example',
  'null',
  'http://[',
  'text/event-stream',
  'text/html',
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'chunked',
  'chunked, chunked',
  'gzip, chunked',
  '100-continue',
  '-1',
  '99999999999999999999',
  '0x10',
  'Upgrade',
  'websocket',
  'h2c',
  'dGhlIHNhbXBsZSBub25jZQ==',
  'graphql-transport-ws',
  'permessage-deflate; client_max_window_bits=99',
  'a\r\nX-Injected: 1',
  'a\nb',
  'a\rb',
  'a\x00b',
  'é€',
  '\x7f',
];

/** A header value: short random text, a long run, a hostile one, or non-ASCII. */
const headerValue = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('a', ' ', '%', ',', ';', '=', '-', '\t', 'é'), fc.integer({ min: 100, max: 17_000 })).map(([c, n]) => c.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

const headerName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HEADER_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 16 }) },
);

/** One header, sometimes repeated many times. */
const headers = fc
  .array(fc.tuple(headerName, headerValue, fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 60 }) })), {
    maxLength: 8,
  })
  .map((list) => list.flatMap(([name, value, times]) => Array.from({ length: times }, () => [name, value] as const)));

const target = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PATHS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_TARGETS) },
  { weight: 1, arbitrary: fc.tuple(fc.webPath(), fc.webQueryParameters()).map(([path, query]) => `${path || '/'}?${query}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => `/${text}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 17_000 }).map((n) => `/${'a/'.repeat(n / 2)}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom('{"query":"{__typename}"}', '{"query":"mutation{updateStream(input:{paused:true}){paused}}"}', '{"token":"x"}', 'token=x', 'query=%7B__typename%7D&variables=%7B', '{', 'null', '[]', '0\r\n\r\n', 'zz\r\nabc\r\n0\r\n\r\n') },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => 'x'.repeat(n)) },
);

/** How the body's length is told: right, wrong, absent, or chunked (well or badly). */
const framing = fc.constantFrom('length', 'length', 'short', 'long', 'none', 'chunked', 'bad-chunked');

const version = fc.oneof({ weight: 12, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1 ', '', 'http/1.1') });

const UPGRADE: ReadonlyArray<readonly [string, string]> = [
  ['Connection', 'Upgrade'],
  ['Upgrade', 'websocket'],
  ['Sec-WebSocket-Version', '13'],
  ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
  ['Sec-WebSocket-Protocol', 'graphql-transport-ws'],
];

function frame(text: string, how: string): { headers: Array<readonly [string, string]>; body: string } {
  switch (how) {
    case 'length':
      return { headers: [['Content-Length', String(Buffer.byteLength(text, 'latin1'))]], body: text };
    case 'short':
      return { headers: [['Content-Length', String(Math.max(0, text.length - 5))]], body: text };
    case 'long':
      return { headers: [['Content-Length', String(text.length + 100)]], body: text };
    case 'chunked':
      return { headers: [['Transfer-Encoding', 'chunked']], body: text ? `${text.length.toString(16)}\r\n${text}\r\n0\r\n\r\n` : '0\r\n\r\n' };
    case 'bad-chunked':
      return { headers: [['Transfer-Encoding', 'chunked']], body: `zz;${text}\r\n${text}` };
    default:
      return { headers: [], body: text };
  }
}

export interface HostileRequest {
  readonly bytes: Buffer;
  /** Whether the client half-closes after sending (the server would otherwise wait for a body it was promised). */
  readonly halfClose: boolean;
  /** A short description, for a failure message. */
  readonly summary: string;
}

interface Parts {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly host: boolean;
  readonly upgrade: boolean;
  readonly body: string;
  readonly framing: string;
  readonly utf8: boolean;
  readonly halfClose?: boolean;
}

function toBytes(r: Parts): HostileRequest {
  const framed = r.body === '' && r.framing !== 'chunked' && r.framing !== 'bad-chunked' ? { headers: [], body: '' } : frame(r.body, r.framing);
  const all = [...(r.host ? [['Host', '127.0.0.1'] as const] : []), ...(r.upgrade ? UPGRADE : []), ...r.headers, ...framed.headers];
  const head = `${r.method} ${r.target} ${r.version}`.trimEnd();
  const text = `${head}\r\n${all.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${framed.body}`;
  const shown = all.map(([n, v]) => `${n.slice(0, 30)}: ${v.slice(0, 40)}${v.length > 40 ? `…(${v.length})` : ''}`).slice(0, 12);
  const summary = `${JSON.stringify(`${r.method} ${r.target.slice(0, 80)} ${r.version}`)} headers=${JSON.stringify(shown)} body=${framed.body.length}/${r.framing}`;
  const halfClose = r.halfClose === true || r.framing === 'long';
  return { bytes: Buffer.from(text, r.utf8 ? 'utf8' : 'latin1'), halfClose, summary: `${summary}${halfClose ? ' half-closed' : ''}` };
}

/** Anything goes: every part may be hostile at once (most are refused at the edge or by Node's parser). */
const wild = fc
  .record({
    method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) }),
    target,
    version,
    headers,
    host: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    upgrade: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    body,
    framing,
    utf8: fc.boolean(),
    halfClose: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(toBytes);

/** Printable values that Node's parser lets through, so the request reaches the routes. */
const plausibleValue = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((text) => text.replace(/[\x00-\x1f\x7f]/g, '')),
  fc.constantFrom(...HOSTILE_VALUES.filter((value) => !/[\r\n\x00\x7f]/.test(value))),
);

/** A served method and a well-formed head, with hostile paths, queries and header values: it gets past the edge. */
const plausible = fc
  .record({
    method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'POST', 'OPTIONS', 'DELETE'),
    target: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PATHS) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.webQueryParameters()).map(([path, query]) => `${path}${path.includes('?') ? '&' : '?'}${query}`) },
      { weight: 1, arbitrary: fc.webPath().map((path) => path || '/') },
    ),
    version: fc.constant('HTTP/1.1'),
    headers: fc.array(fc.tuple(fc.constantFrom(...HEADER_NAMES.filter((name) => name !== 'Content-Length' && name !== 'Transfer-Encoding' && name !== 'Host')), plausibleValue), { maxLength: 5 }),
    host: fc.constant(true),
    upgrade: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    body,
    framing: fc.constantFrom('length', 'chunked', 'none'),
    utf8: fc.constant(false),
  })
  .map(toBytes);

/** A hostile request as bytes: half of them wild, half plausible enough to reach the routes. */
export const hostileRequest: fc.Arbitrary<HostileRequest> = fc.oneof(wild, plausible);
