import { describe, expect, it } from 'vitest';
import { needsSignIn, safeNext, signIn, signInHref } from './session.ts';

describe('safeNext', () => {
  it('keeps a path of this site', () => {
    expect(safeNext('/cameras')).toBe('/cameras');
    expect(safeNext('/graphql')).toBe('/graphql');
  });
  it('refuses other sites and odd values (no open redirect)', () => {
    for (const next of ['//evil.example/', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)', '', null, '/sign-in?next=/x']) {
      expect(safeNext(next)).toBe('/');
    }
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
