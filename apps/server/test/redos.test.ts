/**
 * No parser of outside input is superlinear. Each function that reads a
 * header, a cookie, a path, a request target, an origin, a Host or a config
 * source is timed on 1 KiB and on 16 KiB of adversarial input (repeated until
 * the time is measurable, best of several trials), and the cost per byte may
 * not grow more than 4× (a quadratic parser's grows 16×). A ratio, never an
 * absolute time. A control shows the check catches the regex it replaced.
 */
import { parseSource, redactSource } from '@servercam/core';
import { describe, expect, it } from 'vitest';
import { oversizedHeader, requestUrl } from '../src/adapters/edge.ts';
import { CAMERA_ROUTE } from '../src/app.ts';
import { EVENT_ROUTE, parseRange } from '../src/events/routes.ts';
import { Authenticator, bearerToken } from '../src/security/auth.ts';
import { isLoopbackHost } from '../src/security/exposure.ts';
import { isAllowedOrigin } from '../src/security/origin.ts';
import { newSession, readSessionCookie, sessionValue } from '../src/security/session-cookie.ts';
import { tokenBits } from '../src/security/token-strength.ts';

const SMALL = 1024;
const LARGE = 16 * 1024;
const MAX_GROWTH = 4;

/** Milliseconds per call of `work(input)`: the best of `trials`, each repeated for at least `minMs`. */
function msPerCall(work: (input: string) => unknown, input: string, trials = 5, minMs = 12): number {
  for (let i = 0; i < 3; i++) work(input);
  let best = Infinity;
  for (let trial = 0; trial < trials; trial++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      work(input);
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < minMs);
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

/** How much the cost per byte grows from `small` to `large` bytes of `make`'s input. */
function growth(work: (input: string) => unknown, make: (bytes: number) => string, small = SMALL, large = LARGE): number {
  const a = make(small);
  const b = make(large);
  // The least of three measures: a busy machine (GC, other processes) can spoil one, never all three of a
  // linear parser, while a superlinear one grows in every measure.
  let least = Infinity;
  for (let i = 0; i < 3 && least >= MAX_GROWTH; i++) least = Math.min(least, msPerCall(work, b) / b.length / (msPerCall(work, a) / a.length));
  return least;
}

/** `text` repeated to `bytes` characters. */
const fill = (text: string, bytes: number): string => text.repeat(Math.ceil(bytes / text.length)).slice(0, bytes);

const auth = new Authenticator({ viewerToken: 'viewer-token-0123456789abcdef', operatorToken: 'operator-token-0123456789abcdef' });
const cookie = `servercam_session=${sessionValue(auth.sessionKeys, newSession('viewer'))}`;

type Case = readonly [string, (input: string) => unknown, (bytes: number) => string];

const CASES: readonly Case[] = [
  // Tokens come from the config and the environment, not from requests; measured here all the same (KMP: linear).
  ['tokenBits: a repeated pair ending in a mismatch', (input) => tokenBits(input), (n) => `${'ab'.repeat(n / 2 - 1)}ac`],
  ['parseRange: a run of spaces', (input) => parseRange(input, 1e6), (n) => `bytes=${' '.repeat(n)}x`],
  ['parseRange: spaces around the dash', (input) => parseRange(input, 1e6), (n) => `bytes=${' '.repeat(n / 2)}-${' '.repeat(n / 2)}x`],
  ['parseRange: many ranges', (input) => parseRange(input, 1e6), (n) => `bytes=${fill('1-2,', n)}`],
  ['parseRange: a long number', (input) => parseRange(input, 1e6), (n) => `bytes=${'9'.repeat(n)}-`],
  ['bearerToken: spaces around the token', bearerToken, (n) => `Bearer${' '.repeat(n / 2)}x${' '.repeat(n / 2)}y`],
  ['bearerToken: leading spaces', bearerToken, (n) => `${' '.repeat(n)}Bearerx`],
  ['readSessionCookie: many cookies', (input) => readSessionCookie(input, auth.sessionKeys), (n) => fill('a=b; ', n)],
  ['readSessionCookie: many session cookies', (input) => readSessionCookie(input, auth.sessionKeys), (n) => fill(`${cookie}x; `, n)],
  ['readSessionCookie: one long value', (input) => readSessionCookie(input, auth.sessionKeys), (n) => `servercam_session=v1.viewer.${'1'.repeat(n)}.x`],
  ['Authenticator.fromHeaders: a long Authorization', (input) => auth.fromHeaders(new Headers({ authorization: input }), 'a'), (n) => `Bearer ${'a'.repeat(n)}`],
  ['Authenticator.fromHeaders: a long Cookie', (input) => auth.fromHeaders(new Headers({ cookie: input }), 'a'), (n) => fill('servercam_session=v1.viewer.1.x;', n)],
  ['CAMERA_ROUTE: a long id, no match', (input) => CAMERA_ROUTE.exec(input), (n) => `/cameras/${'a'.repeat(n)}/snapshot.jpgx`],
  ['CAMERA_ROUTE: many segments', (input) => CAMERA_ROUTE.exec(input), (n) => `/cameras/${fill('a/', n)}`],
  ['EVENT_ROUTE: a long id, no match', (input) => EVENT_ROUTE.exec(input), (n) => `/events/${'a'.repeat(n)}/clip.mp`],
  ['EVENT_ROUTE: many segments', (input) => EVENT_ROUTE.exec(input), (n) => `/events/${fill('a/', n)}`],
  ['isAllowedOrigin: a long host', (input) => isAllowedOrigin(input, '127.0.0.1:4000', new Set()), (n) => `http://${'a'.repeat(n)}`],
  ['isAllowedOrigin: brackets', (input) => isAllowedOrigin(input, '127.0.0.1:4000', new Set()), (n) => `http://${'['.repeat(n)}`],
  ['requestUrl: percent signs', (input) => requestUrl(input, 'http://127.0.0.1:4000'), (n) => `/${'%'.repeat(n)}`],
  ['requestUrl: dot segments', (input) => requestUrl(input, 'http://127.0.0.1:4000'), (n) => `/${fill('../', n)}`],
  ['requestUrl: an absolute URL', (input) => requestUrl(input, 'http://127.0.0.1:4000'), (n) => `http://${'a'.repeat(n)}/`],
  ['oversizedHeader: a header repeated', (input) => oversizedHeader(input.split('\n')), (n) => fill('range\nbytes=0-1\n', n).replace(/\n$/, '')],
  ['isLoopbackHost: colons', isLoopbackHost, (n) => `[${':'.repeat(n)}]`],
  ['isLoopbackHost: a mapped address', isLoopbackHost, (n) => `::ffff:${fill('1.', n)}`],
  ['parseSource: a long synthetic size', (input) => { try { parseSource(input); } catch { /* refused */ } }, (n) => `synthetic:${'1'.repeat(n)}x`],
  ['parseSource: a long synthetic fps', (input) => { try { parseSource(input); } catch { /* refused */ } }, (n) => `synthetic@${'1'.repeat(n)}.`],
  ['redactSource: no @', redactSource, (n) => `rtsp://${'a'.repeat(n)}`],
];

describe('input parsers grow linearly (cost per byte, 16 KiB over 1 KiB, at most 4×)', () => {
  it.each(CASES)('%s', (_name, work, make) => {
    expect(growth(work, make)).toBeLessThan(MAX_GROWTH);
  });

  it('control: the check catches the backtracking Range regex that parseRange replaced', () => {
    const former = (input: string) => /^bytes=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/.exec(input.trim());
    // Quadratic: 8× the bytes costs about 8× more per byte. Smaller sizes, or this one test would take seconds.
    expect(growth(former, (n) => `bytes=${' '.repeat(n)}x`, 512, 4096)).toBeGreaterThan(MAX_GROWTH);
  });
});
