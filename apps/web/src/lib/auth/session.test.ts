import { describe, expect, it } from 'vitest';
import { needsSignIn, safeNext, signIn, signInHref } from './session.ts';

const ORIGIN = 'http://127.0.0.1:4000';

describe('safeNext', () => {
  it('keeps a path of this site', () => {
    expect(safeNext('/cameras', ORIGIN)).toBe('/cameras');
    expect(safeNext('/graphql', ORIGIN)).toBe('/graphql');
  });

  it('keeps the query and fragment of a path of this site', () => {
    expect(safeNext('/events?camera=desk#latest', ORIGIN)).toBe('/events?camera=desk#latest');
  });

  it('gives the resolved path, not the raw text', () => {
    expect(safeNext('/a/../cameras', ORIGIN)).toBe('/cameras');
    expect(safeNext(`${ORIGIN}/cameras`, ORIGIN)).toBe('/cameras');
  });

  // Each value as the page reads it from ?next= (already percent-decoded once).
  const hostile: Array<[string, string | null]> = [
    ['a tab after the slash (the reported bypass)', '/\t/evil.example/x'],
    ['a newline after the slash', '/\n/evil.example/x'],
    ['a carriage return after the slash', '/\r/evil.example/x'],
    ['a tab inside the double slash', '/\t\t/evil.example'],
    ['a protocol-relative URL', '//evil.example/x'],
    ['a backslash after the slash', '/\\evil.example/x'],
    ['two backslashes', '\\\\evil.example/x'],
    ['a backslash then a slash', '\\/evil.example/x'],
    ['a dot segment that leaves a double slash', '/.//evil.example/x'],
    ['an absolute URL to another host', 'https://evil.example/x'],
    ['an absolute URL with our host as user info', `http://127.0.0.1:4000@evil.example/x`],
    ['our host on another port', 'http://127.0.0.1:4001/x'],
    ['a scheme-relative URL with leading spaces', '  //evil.example/x'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: with a tab in the scheme', 'java\tscript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['the sign-in page (a loop)', '/sign-in?next=/x'],
    ['empty', ''],
    ['missing', null],
  ];
  it.each(hostile)('refuses %s', (_what, next) => {
    expect(safeNext(next, ORIGIN)).toBe('/');
  });

  it('keeps an encoded value encoded (it names a path here, never another host)', () => {
    // "%2F%2Fevil.example" arrives decoded once: a relative path of this site, with its slashes escaped.
    expect(safeNext('%2F%2Fevil.example', ORIGIN)).toBe('/%2F%2Fevil.example');
    expect(safeNext('/%2F/evil.example', ORIGIN)).toBe('/%2F/evil.example');
    expect(safeNext('/%09/evil.example', ORIGIN)).toBe('/%09/evil.example');
  });

  it('refuses what URLSearchParams decodes from the reported link', () => {
    const next = new URLSearchParams('next=%2F%09%2Fevil.example%2Fx').get('next');
    expect(next).toBe('/\t/evil.example/x');
    expect(safeNext(next, ORIGIN)).toBe('/');
  });
});

it('builds the sign-in link back to the page', () => {
  expect(signInHref('/cameras')).toBe('/sign-in?next=%2Fcameras');
});

it('recognises the errors that need a sign-in', () => {
  expect(needsSignIn({ code: 'UNAUTHENTICATED' })).toBe(true);
  expect(needsSignIn({ code: 4401 })).toBe(true);
  expect(needsSignIn({ code: 'FORBIDDEN' })).toBe(false);
  expect(needsSignIn(null)).toBe(false);
});

describe('signIn', () => {
  it('posts the token and reports the role', async () => {
    let sent: RequestInit | undefined;
    const result = await signIn('t0ken-0123456789abcdef', async (_url, init) => {
      sent = init;
      return Response.json({ role: 'viewer' });
    });
    expect(result).toEqual({ ok: true, role: 'viewer' });
    expect(JSON.parse(String(sent?.body))).toEqual({ token: 't0ken-0123456789abcdef' });
  });
  it('says "Wrong token." for a 401', async () => {
    expect(await signIn('x', async () => Response.json({ error: 'Wrong token' }, { status: 401 }))).toEqual({ ok: false, message: 'Wrong token.' });
  });
  it('shows the server\'s message for other refusals', async () => {
    const result = await signIn('x', async () => Response.json({ error: 'Too many sign-in attempts: wait a minute' }, { status: 429 }));
    expect(result).toEqual({ ok: false, message: 'Too many sign-in attempts: wait a minute' });
  });
});
