/**
 * `/`: the UI. Static files from the UI directory (the SvelteKit build), with
 * a fallback to its `index.html` for client-side routes. Without a UI
 * directory, a small page that links to GraphiQL and the camera streams.
 * The API's paths are routed before this and never reach it.
 *
 * Files are kept in memory with their brotli and gzip variants
 * (static-asset.ts), and sent encoded as the client allows; SvelteKit's
 * hashed files (`_app/immutable/`) are cacheable for a year, the rest
 * revalidate (`no-cache` with an ETag).
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Grant } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { SHARE_PATH } from '../access/share-links.ts';
import { GRAPHQL_PATH } from '../schema/yoga.ts';
import { errorResponse } from './http.ts';
import { AssetCache, assetResponse, StaticAsset } from './static-asset.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** The pages a client-side router falls back to, in order (adapter-static names it as configured). */
const FALLBACKS = ['index.html', '200.html'];

export interface UiLinks {
  readonly graphiql: string;
  readonly cameras: ReadonlyArray<{ readonly id: string; readonly label: string; readonly mjpeg: string; readonly snapshot: string }>;
}

/** The URLs people use, under `base` (e.g. `http://127.0.0.1:4000`); with `grant`, of its cameras only. */
export function uiLinks(base: string, cameras: ReadonlyArray<{ readonly id: string; readonly label: string }>, grant?: Grant): UiLinks & { readonly ui: string } {
  return {
    ui: `${base}/`,
    graphiql: `${base}${GRAPHQL_PATH}`,
    cameras: cameras.filter((camera) => grant === undefined || inScope(grant, camera.id)).map((camera) => ({
      id: camera.id,
      label: camera.label,
      mjpeg: `${base}/cameras/${encodeURIComponent(camera.id)}/stream.mjpeg`,
      snapshot: `${base}/cameras/${encodeURIComponent(camera.id)}/snapshot.jpg`,
    })),
  };
}

async function fileAt(path: string): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `dir` holds a UI build (an index page or fallback page). */
export async function hasUi(dir: string | undefined): Promise<boolean> {
  if (!dir) return false;
  for (const name of FALLBACKS) if (await fileAt(join(dir, name))) return true;
  return false;
}

/** Client-side routes whose last segment may hold dots (a share link's token, `scl1.<id>.<camera>...`): never an asset. */
const CLIENT_ROUTE_PREFIXES = [SHARE_PATH];

/** SvelteKit's hashed files (`_app/immutable/`): their names change with their content. */
const IMMUTABLE = ['_app', 'immutable'];
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

/** The UI's files, with their brotli and gzip variants, made once per file version. */
const assets = new AssetCache();

async function serveFile(request: Request, file: { path: string; size: number; mtimeMs: number }, root: string): Promise<Response> {
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  const contentType = TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
  const parts = relative(root, file.path).split(sep);
  const cacheControl = IMMUTABLE.every((part, i) => parts[i] === part) && parts.length > IMMUTABLE.length ? IMMUTABLE_CACHE : 'no-cache';
  if (!assets.admits(file.size)) {
    // Too large to keep in memory: sent as it is, read per request.
    const headers: Record<string, string> = { 'Content-Type': contentType, 'Cache-Control': cacheControl, ETag: etag };
    if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
    headers['Content-Length'] = String(file.size);
    if (request.method === 'HEAD') return new Response(null, { headers });
    return new Response(await readFile(file.path), { headers });
  }
  let asset = assets.get(file.path);
  if (asset?.etag !== etag) {
    asset = new StaticAsset({ bytes: await readFile(file.path), contentType, etag });
    assets.set(file.path, asset);
  }
  return assetResponse(request, asset, cacheControl);
}

/** Serves the UI directory `dir` (absolute), or the links page when there is none. */
export async function uiResponse(request: Request, dir: string | undefined, links: () => UiLinks): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(405, 'Method not allowed: use GET or HEAD', { Allow: 'GET, HEAD' });
  }
  const { pathname } = new URL(request.url);
  if (!(await hasUi(dir)) || !dir) {
    if (pathname === '/' || pathname === '/index.html') return linksPage(request, links());
    return errorResponse(404, `Not found: ${pathname}`);
  }
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return errorResponse(400, 'Malformed URL');
  }
  const root = resolve(dir);
  const target = resolve(root, `.${relative}`);
  if (target !== root && !target.startsWith(root + sep)) return errorResponse(404, `Not found: ${pathname}`);
  const candidates = relative.endsWith('/')
    ? [join(target, 'index.html')]
    : [target, `${target}.html`, join(target, 'index.html')];
  for (const candidate of candidates) {
    const file = await fileAt(candidate);
    if (file) return serveFile(request, file, root);
  }
  // A client-side route (no file extension) gets the app; a missing asset gets 404.
  if (extname(relative) === '' || CLIENT_ROUTE_PREFIXES.some((prefix) => relative.startsWith(prefix))) {
    for (const name of FALLBACKS) {
      const file = await fileAt(join(root, name));
      if (file) return serveFile(request, file, root);
    }
  }
  return errorResponse(404, `Not found: ${pathname}`);
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function linksPage(request: Request, links: UiLinks): Response {
  const cameras = links.cameras
    .map(
      (camera) => `
      <li>
        <h2>${escape(camera.label)} <small>(${escape(camera.id)})</small></h2>
        <p><a href="${escape(camera.mjpeg)}">MJPEG stream</a> · <a href="${escape(camera.snapshot)}">snapshot</a></p>
        <img src="${escape(camera.mjpeg)}?maxWidth=480" alt="Live view of ${escape(camera.label)}" width="480">
      </li>`,
    )
    .join('');
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>servercam</title>
    <style>
      :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
      body { max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
      ul { list-style: none; padding: 0; display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); }
      img { max-width: 100%; height: auto; background: #0003; }
      h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
    </style>
  </head>
  <body>
    <h1>servercam</h1>
    <p>The web UI is not built here. Use <a href="${escape(links.graphiql)}">GraphiQL</a> for the API, or the cameras' streams:</p>
    <ul>${cameras}
    </ul>
  </body>
</html>
`;
  return new Response(request.method === 'HEAD' ? null : html, {
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' },
  });
}
