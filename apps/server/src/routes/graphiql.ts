/**
 * The GraphiQL page at `/graphql`: rendered once per process, its security
 * headers computed from it, and sent as a static asset (brotli or gzip as the
 * client allows, an ETag, `no-cache`). It is 9 MB of HTML (the whole GraphiQL
 * bundle is inlined, so the page works offline); about 2 MB encoded.
 * @module
 */
import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { shouldRenderGraphiQL } from 'graphql-yoga';
import { GRAPHIQL_OPTIONS } from '../schema/yoga.ts';
import { assetResponse, StaticAsset } from './static-asset.ts';

let page: StaticAsset | undefined;

/** The page as an asset, made at the first request (only its bytes are kept, not the 9 MB string). */
function graphiqlAsset(): StaticAsset {
  if (!page) {
    const bytes = new TextEncoder().encode(renderGraphiQL(GRAPHIQL_OPTIONS));
    const digest = createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
    page = new StaticAsset({ bytes, contentType: 'text/html; charset=utf-8', etag: `W/"${digest}"` });
  }
  return page;
}

/** Whether a request to `/graphql` asks for the page (Yoga's own test: a GET that accepts HTML). */
export function wantsGraphiQL(request: Request): boolean {
  return shouldRenderGraphiQL(request);
}

/** The GraphiQL page, encoded as the client allows. */
export function graphiqlResponse(request: Request): Promise<Response> {
  return assetResponse(request, graphiqlAsset(), 'no-cache');
}
