/**
 * In Debian's Chromium against a real `servercam serve` with a token:
 * - after signing in, `/sign-in?next=…` goes to a path of this site only,
 *   whatever `next` holds (the reported `%2F%09%2Fevil.example%2Fx` landed on
 *   evil.example: the browser drops the tab from `/<TAB>/evil.example/x`);
 * - a page of a name that resolves to 127.0.0.1 (DNS rebinding, with
 *   `--host-resolver-rules`) gets 421 and reads nothing.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from './helpers/browser.ts';
import { serve, type RunningServer } from './helpers/server.ts';

const OPERATOR = 'e2e-redirect-operator-token-0123456789';
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await serve({ cameras: ['synth=synthetic:160x120@5'], fps: 5, env: { SERVERCAM_OPERATOR_TOKEN: OPERATOR } });
  browser = await launch(['--host-resolver-rules=MAP evil.example 127.0.0.1']);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface SignedIn {
  readonly url: URL;
  readonly evilRequests: number;
  readonly dialogs: number;
}

/** Opens the sign-in page with `query` (already encoded), signs in, and reports where the browser went. */
async function signInWith(query: string): Promise<SignedIn> {
  const context: BrowserContext = await browser.newContext();
  try {
    let evilRequests = 0;
    let dialogs = 0;
    // Anything for evil.example is answered here, so a redirect there would complete and show.
    await context.route((url) => url.hostname === 'evil.example', (route) => {
      evilRequests++;
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>evil</h1>' });
    });
    const page: Page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    await page.goto(`${server.url}/sign-in?${query}`);
    await page.getByLabel('Token').fill(OPERATOR);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname !== '/sign-in' || url.origin !== server.url, { timeout: 20_000 });
    await page.waitForLoadState('load');
    return { url: new URL(page.url()), evilRequests, dialogs };
  } finally {
    await context.close();
  }
}

describe('the sign-in redirect', () => {
  it('goes to the page it was given, on this site', async () => {
    const result = await signInWith(`next=${encodeURIComponent('/cameras')}`);
    expect(result.url.origin).toBe(server.url);
    expect(result.url.pathname).toBe('/cameras');
  });

  const hostile: Array<[string, string]> = [
    ['a tab after the slash (the reported link)', 'next=%2F%09%2Fevil.example%2Fx'],
    ['a newline after the slash', 'next=%2F%0A%2Fevil.example%2Fx'],
    ['a carriage return and a tab', 'next=%2F%0D%09%2Fevil.example%2Fx'],
    ['a protocol-relative URL', 'next=//evil.example/x'],
    ['an encoded protocol-relative URL', 'next=%2F%2Fevil.example%2Fx'],
    ['a backslash after the slash', 'next=%2F%5Cevil.example%2Fx'],
    ['two backslashes', 'next=%5C%5Cevil.example%2Fx'],
    ['a dot segment leaving a double slash', 'next=%2F.%2F%2Fevil.example%2Fx'],
    ['an absolute URL to another host', `next=${encodeURIComponent('https://evil.example/x')}`],
    ['our host as user info of another', `next=${encodeURIComponent('http://127.0.0.1@evil.example/x')}`],
    ['javascript:', `next=${encodeURIComponent('javascript:alert(document.domain)')}`],
    ['javascript: with a tab in the scheme', 'next=java%09script%3Aalert(1)'],
  ];

  it.each(hostile)('refuses %s: lands on / of this site', async (_what, query) => {
    const result = await signInWith(query);
    expect(result.evilRequests).toBe(0);
    expect(result.dialogs).toBe(0);
    expect(result.url.origin).toBe(server.url);
    expect(result.url.pathname).toBe('/');
  });
});

describe('DNS rebinding in the browser', () => {
  it('a page of a name that resolves to 127.0.0.1 gets 421 and no page', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(`http://evil.example:${server.port}/`);
      expect(response?.status()).toBe(421);
      expect(await page.content()).not.toContain('servercam');
      const snapshot = await page.evaluate(async (url) => (await fetch(url)).status, `http://evil.example:${server.port}/cameras/synth/snapshot.jpg`);
      expect(snapshot).toBe(421);
    } finally {
      await context.close();
    }
  });

  it('the same page by its loopback name is served', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(`http://localhost:${server.port}/sign-in`);
      expect(response?.status()).toBe(200);
    } finally {
      await context.close();
    }
  });
});
