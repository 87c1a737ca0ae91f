/**
 * The GraphQL playground in Debian's Chromium against a real `servercam
 * serve` (auth off on loopback): GraphiQL's page arrives compressed, its
 * introspection passes the operation limits, the docs explorer shows
 * `Subscription.frames`, the ready LiveFrames subscription shows frames, and
 * the editor completes field names from the schema.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launch, pageShot } from './helpers/browser.ts';
import { serve, type RunningServer } from './helpers/server.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
const graphqlAnswers: string[] = [];
const violations: string[] = [];
let pageHeaders: Record<string, string> = {};

beforeAll(async () => {
  server = await serve({ cameras: ['synth=synthetic:320x240@10'], fps: 10 });
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/graphql' && response.request().method() === 'POST') {
      void response.text().then((text) => graphqlAnswers.push(text), () => {});
    }
  });
  const response = await page.goto(`${server.url}/graphql`);
  pageHeaders = (await response?.allHeaders()) ?? {};
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

it('gets the page brotli-compressed, with its CSP', () => {
  expect(pageHeaders['content-encoding']).toBe('br');
  expect(pageHeaders['vary']).toBe('Accept-Encoding');
  expect(pageHeaders['content-security-policy']).toContain("script-src 'self' 'sha256-");
});

it('loads the schema: the introspection query is answered, not refused', async () => {
  await page.waitForSelector('.graphiql-container', { timeout: 30_000 });
  await expect.poll(() => graphqlAnswers.some((answer) => answer.includes('"__schema"'))).toBe(true);
  expect(graphqlAnswers.join('\n')).not.toContain('QUERY_TOO_COMPLEX');
});

it('shows Subscription.frames in the docs explorer', async () => {
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByRole('link', { name: 'Subscription', exact: true }).click();
  await expect.poll(() => docs.locator('.graphiql-doc-explorer-title').textContent()).toBe('Subscription');
  await docs.getByRole('link', { name: 'frames', exact: true }).click();
  await expect.poll(() => docs.locator('.graphiql-doc-explorer-title').textContent()).toBe('frames');
  await expect.poll(() => docs.textContent()).toContain('maxWidth');
});

it('runs the LiveFrames subscription and shows a frame', async () => {
  await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
  await page.getByRole('menuitem', { name: 'LiveFrames', exact: true }).click();
  const result = page.locator('.graphiql-response');
  await expect.poll(() => result.innerText(), { timeout: 30_000 }).toMatch(/"cameraId":\s*"synth"/);
  const text = await result.innerText();
  expect(text).toMatch(/"mimeType":\s*"image\/jpeg"/);
  expect(text).toMatch(/"width":\s*96/);
  await pageShot(page, 'graphiql-live-frames');
});

it('autocompletes fields from the schema as you type', async () => {
  const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nquery Completion { came');
  const suggestions = page.locator('.suggest-widget');
  await expect.poll(() => suggestions.innerText(), { timeout: 15_000 }).toContain('cameras');
  await page.keyboard.press('Escape');
});

it('saw no Content-Security-Policy violation', () => {
  expect(violations).toEqual([]);
});
