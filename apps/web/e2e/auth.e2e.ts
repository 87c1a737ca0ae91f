/**
 * Sign-in and browser safety in Debian's Chromium against a real
 * `servercam serve` with tokens: the console sends a browser without a
 * session to /sign-in; a token sets an HttpOnly session cookie the page's
 * GraphQL, WebSocket and MJPEG use; the pages and GraphiQL run under their
 * Content-Security-Policy with no violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, openViewer, waitForNewFrame } from './helpers/browser.ts';
import { serve, type RunningServer } from './helpers/server.ts';

const OPERATOR = 'e2e-operator-token-0123456789';
let server: RunningServer;
let browser: Browser;
let page: Page;
const violations: string[] = [];

beforeAll(async () => {
  server = await serve({ cameras: ['synth=synthetic:320x240@10'], fps: 10, env: { SERVERCAM_OPERATOR_TOKEN: OPERATOR } });
  browser = await launch();
  page = await openViewer(browser, `${server.url}/`);
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('sends a browser without a session to the sign-in page', async () => {
  await page.waitForURL(/\/sign-in\?next=%2F$/, { timeout: 20_000 });
  await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
});

it('says so for a wrong token', async () => {
  await page.getByLabel('Token').fill('not-the-token-0123456789');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong token');
});

it('signs in with the token: an HttpOnly cookie, then live frames', async () => {
  await page.getByLabel('Token').fill(OPERATOR);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}/`, { timeout: 20_000 });
  await waitForNewFrame(page);
  expect(await page.evaluate(() => document.cookie)).toBe('');
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === 'servercam_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Strict');
});

it('lets the signed-in operator change settings from the UI', async () => {
  const paused = page.getByLabel('Paused');
  await paused.check();
  await expect.poll(() => paused.isChecked()).toBe(true);
  await paused.uncheck();
});

it('shows an MJPEG <img> with the session cookie', async () => {
  const loaded = await page.evaluate(async () => {
    const img = new Image();
    img.src = '/cameras/synth/snapshot.jpg';
    await img.decode();
    return img.naturalWidth;
  });
  expect(loaded).toBe(320);
});

it('runs GraphiQL under its CSP and executes the example query', async () => {
  const graphiql = await page.context().newPage();
  graphiql.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  const response = await graphiql.goto(`${server.url}/graphql`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self' 'sha256-");
  await graphiql.waitForSelector('.graphiql-container', { timeout: 30_000 });
  await graphiql.evaluate(async () => {
    const r = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ stream { fps } }' }) });
    if (!r.ok) throw new Error(`GraphQL from GraphiQL's page: ${r.status}`);
  });
  await graphiql.close();
});

it('saw no Content-Security-Policy violation', () => {
  expect(violations).toEqual([]);
});
