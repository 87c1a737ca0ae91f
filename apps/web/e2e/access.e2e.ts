/**
 * Scoped access in Debian's Chromium against a real `servercam serve` with an
 * admin token and a temporary data directory: the admin creates a view-only
 * token and a share link on the admin page; the token's holder sees the live
 * view with no controls and no Events or Admin page; the share link opens, in
 * a fresh context without signing in, exactly one camera with no controls and
 * no nav; revoking the link on the admin page makes the share view say so,
 * an expired link says it expired, and revoking the token sends its holder to
 * sign in.
 */
import { CreateShareLinkDocument } from '@servercam/schema/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openViewer, stage, waitForNewFrame } from './helpers/browser.ts';
import { tempDir, type TempDir } from './helpers/media.ts';
import { serve, type RunningServer } from './helpers/server.ts';
import { request } from '../src/lib/graphql/http.ts';

const ADMIN = 'e2e-admin-token-0123456789abcdef';
/** The settings controls, by their public accessible names. */
const SETTINGS_CONTROLS = ['Paused', 'FPS', 'Camera', 'Quality'] as const;

let data: TempDir;
let server: RunningServer;
let browser: Browser;
let admin: Page;
let viewerSecret = '';
let shareUrl = '';
let shared: Page | undefined;
/** Errors thrown in the share views' pages (an unhandled rejection is one). */
const shareErrors: string[] = [];

/** Opens a share URL in a fresh context (no session cookie), noting its page errors. */
function openShare(url: string): Promise<Page> {
  return openViewer(browser, url, { before: (_context, page) => void page.on('pageerror', (error) => shareErrors.push(error.message)) });
}

/** Signs in on `page` (sent to /sign-in by the page it opened) and waits to be back at `path`. */
async function signIn(page: Page, token: string, path: string): Promise<void> {
  await page.waitForURL(/\/sign-in\?next=/, { timeout: 20_000 });
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${server.url}${path}`, { timeout: 20_000 });
}

const countControls = async (page: Page): Promise<number[]> => Promise.all(SETTINGS_CONTROLS.map((name) => page.getByLabel(name, { exact: true }).count()));

beforeAll(async () => {
  data = tempDir('servercam-web-access-');
  server = await serve({
    cameras: ['kitchen=synthetic:320x240@10', 'door=synthetic:320x240@10'],
    fps: 10,
    dataDir: data.path,
    env: { SERVERCAM_ADMIN_TOKEN: ADMIN },
  });
  browser = await launch();
  admin = await openViewer(browser, `${server.url}/admin`);
  await signIn(admin, ADMIN, '/admin');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data?.[Symbol.dispose]();
});

describe('the admin page', () => {
  it('is linked from the nav for an admin', async () => {
    await expect.poll(() => admin.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Admin' }).count()).toBe(1);
    await expect.poll(() => admin.getByRole('heading', { name: 'Access tokens' }).isVisible()).toBe(true);
  });

  it('creates a view-only token and shows its secret once', async () => {
    await admin.getByRole('textbox', { name: 'Token label' }).fill('hall-viewer');
    await admin.getByRole('checkbox', { name: 'View', exact: true }).check();
    await admin.getByRole('combobox', { name: 'Token expires' }).selectOption('1d');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const secret = admin.getByRole('textbox', { name: 'New token secret' });
    await expect.poll(() => secret.count()).toBe(1);
    viewerSecret = await secret.inputValue();
    expect(viewerSecret.length).toBeGreaterThan(16);
    const row = admin.getByRole('table', { name: 'Access tokens' }).getByRole('row', { name: /hall-viewer/ });
    await expect.poll(async () => row.textContent()).toMatch(/All cameras.*View/);
    await admin.getByRole('button', { name: 'Done' }).click();
    expect(await admin.getByRole('textbox', { name: 'New token secret' }).count()).toBe(0);
    // Neither in the page's text nor in any field's value (which textContent does not hold).
    expect(await admin.locator('body').textContent()).not.toContain(viewerSecret);
    const values = await admin.locator('input, textarea').evaluateAll((fields) => fields.map((field) => (field as HTMLInputElement | HTMLTextAreaElement).value));
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((value) => value.includes(viewerSecret))).toEqual([]);
  });

  it('creates a share link to one camera and shows its full URL once', async () => {
    await admin.getByRole('combobox', { name: 'Shared camera' }).selectOption('door');
    await admin.getByRole('textbox', { name: 'Link label' }).fill('neighbour');
    await admin.getByRole('button', { name: 'Create share link' }).click();
    const url = admin.getByRole('textbox', { name: 'New share link URL' });
    await expect.poll(() => url.count()).toBe(1);
    shareUrl = await url.inputValue();
    expect(shareUrl.startsWith(`${server.url}/share/`)).toBe(true);
    await expect.poll(async () => admin.getByRole('table', { name: 'Share links' }).getByRole('row', { name: /neighbour/ }).count()).toBe(1);
  });
});

describe('a view-only token', () => {
  let viewer: Page;

  beforeAll(async () => {
    viewer = await openViewer(browser, `${server.url}/`);
    await signIn(viewer, viewerSecret, '/');
  });

  afterAll(async () => {
    await viewer?.context().close();
  });

  it('watches the live view', async () => {
    await waitForNewFrame(viewer);
  });

  it('sees no settings controls', async () => {
    await expect.poll(() => viewer.getByRole('note').filter({ hasText: 'View only' }).count()).toBe(1);
    expect(await countControls(viewer)).toEqual([0, 0, 0, 0]);
  });

  it('has no Events or Admin page in the nav', async () => {
    const nav = viewer.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Live', 'Cameras']);
  });

  it('cannot make a camera the active one on /cameras', async () => {
    await viewer.getByRole('link', { name: 'Cameras' }).click();
    await expect.poll(() => viewer.getByRole('heading', { name: 'Door' }).count()).toBe(1);
    expect(await viewer.getByRole('button', { name: /active camera/ }).count()).toBe(0);
  });

  it('is sent to sign in once the admin revokes the token on the admin page', async () => {
    await admin.getByRole('button', { name: 'Revoke token hall-viewer' }).click();
    await expect.poll(() => admin.getByRole('table', { name: 'Access tokens' }).count()).toBe(0);
    await viewer.waitForURL(/\/sign-in\?next=/, { timeout: 30_000 });
  });
});

describe('a share link', () => {
  beforeAll(async () => {
    shared = await openShare(shareUrl);
  });

  afterAll(async () => {
    await shared?.context().close();
  });

  it('opens a live view of its camera without signing in', async () => {
    const page = shared!;
    await expect.poll(() => page.getByRole('note', { name: 'Share link' }).textContent()).toMatch(/Shared view of door, expires /);
    await waitForNewFrame(page, 'door');
    expect(new URL(page.url()).pathname.startsWith('/share/')).toBe(true);
    expect((await page.context().cookies()).map((cookie) => cookie.name)).toEqual([]);
  });

  it('shows exactly one camera, with no controls and no nav', async () => {
    const page = shared!;
    expect(await stage(page).count()).toBe(1);
    expect(await page.locator('canvas').count()).toBe(1);
    expect(await countControls(page)).toEqual([0, 0, 0, 0]);
    expect(await page.getByRole('button', { name: 'Snapshot' }).count()).toBe(0);
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.getByRole('link').count()).toBe(0);
  });

  it('says so once the admin revokes it on the admin page', async () => {
    const page = shared!;
    await admin.getByRole('button', { name: 'Revoke link neighbour' }).click();
    await expect.poll(() => admin.getByRole('table', { name: 'Share links' }).count()).toBe(0);
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/no longer valid/);
    expect(await stage(page).count()).toBe(0);
  });

  it('says so when opened again after the revocation', async () => {
    const again = await openShare(shareUrl);
    try {
      await expect.poll(() => again.getByRole('heading', { name: 'Shared view unavailable' }).count()).toBe(1);
      expect(await stage(again).count()).toBe(0);
    } finally {
      await again.context().close();
    }
  });

  it('says it expired once its expiry has passed', async () => {
    const expiresAt = new Date(Date.now() + 5_000).toISOString();
    const { createShareLink } = await request(`${server.url}/graphql`, CreateShareLinkDocument, { input: { cameraId: 'kitchen', label: 'brief', expiresAt } }, { authorization: `Bearer ${ADMIN}` });
    // Open while it holds (on a loaded machine the page may only get there after the expiry: the message is the same).
    const page = await openShare(new URL(createShareLink.url, server.url).href);
    try {
      await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 60_000 }).toContain('This share link has expired.');
      expect(await stage(page).count()).toBe(0);
    } finally {
      await page.context().close();
    }
  });

  it('raised no error in its pages', () => {
    expect(shareErrors).toEqual([]);
  });
});
