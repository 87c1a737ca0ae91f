/** HTTP requests that see the bytes on the wire (fetch decodes gzip and brotli by itself). */
import { request } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body as sent (still encoded); empty for HEAD, 304, or when `headersOnly`. */
  readonly body: Buffer;
}

/**
 * One request on its own connection. `headersOnly` ends it once the headers
 * arrive (for endless streams such as MJPEG).
 */
export function rawRequest(
  url: string,
  { method = 'GET', headers = {}, headersOnly = false }: { method?: string; headers?: Record<string, string>; headersOnly?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = request(url, { method, headers, agent: false }, (res) => {
      const result = (body: Buffer): RawResponse => ({ status: res.statusCode ?? 0, headers: res.headers, body });
      if (headersOnly) {
        settled = true;
        resolve(result(Buffer.alloc(0)));
        res.on('error', () => {});
        req.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(result(Buffer.concat(chunks))));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!settled) reject(error);
    });
    req.end();
  });
}
