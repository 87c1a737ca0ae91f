/**
 * `GET /metrics`: the app's metrics (metrics/registry.ts) in Prometheus's
 * text format, for a scraper.
 *
 * - With a metrics token (`metricsToken`, `SERVERCAM_METRICS_TOKEN`): only
 *   `Authorization: Bearer <token>` gets them, from any address; the token is
 *   compared in constant time. It grants nothing else, and the API's tokens
 *   do not open /metrics.
 * - Without one: callers on loopback only (after a trusted proxy's
 *   X-Forwarded-For: a client behind the proxy is not loopback).
 *
 * A wrong token is a failed authentication like any other: counted against
 * the address's budget (then 429) and written to the audit trail, never the
 * token itself. Refusals are 401 (wrong or missing token) or 403 (off
 * loopback without a configured token).
 * @module
 */
import { bearerToken, type Authenticator } from '../security/auth.ts';
import { sameDigest, sha256 } from '../security/digest.ts';
import { isLoopbackHost } from '../security/exposure.ts';
import { rateLimitedResponse } from '../security/failed-auth.ts';
import type { AppMetrics } from './registry.ts';

export const METRICS_PATH = '/metrics';

const refusal = (status: 401 | 403 | 405, error: string, code: string, headers: Record<string, string> = {}): Response =>
  Response.json({ error, code }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });

export class MetricsRoute {
  readonly #metrics: AppMetrics;
  readonly #auth: Authenticator;
  readonly #token: Buffer | undefined;

  constructor(metrics: AppMetrics, auth: Authenticator, token: string | undefined) {
    this.#metrics = metrics;
    this.#auth = auth;
    this.#token = token ? sha256(token) : undefined;
  }

  async respond(request: Request, address: string): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'Method not allowed: use GET', 'METHOD_NOT_ALLOWED', { Allow: 'GET, HEAD' });
    const denied = this.#check(request.headers, address);
    if (denied) return denied;
    const text = await this.#metrics.text();
    return new Response(request.method === 'HEAD' ? null : text, { headers: { 'Content-Type': this.#metrics.contentType, 'Cache-Control': 'no-store' } });
  }

  #check(headers: Headers, address: string): Response | undefined {
    if (!this.#token) {
      if (isLoopbackHost(address)) return undefined;
      return refusal(403, 'Forbidden: /metrics answers loopback callers only; set metricsToken (SERVERCAM_METRICS_TOKEN) to scrape from elsewhere', 'FORBIDDEN');
    }
    const token = this.#token;
    const presented = bearerToken(headers.get('authorization'));
    // A missing token is refused without counting; a wrong one is a failed authentication.
    const result = this.#auth.attempt(address, () => (presented !== undefined && sameDigest(sha256(presented), token)) || undefined, 'wrong metrics token', presented !== undefined);
    if (result.kind === 'limited') return rateLimitedResponse(result.retryAfterS, false);
    if (result.kind === 'ok') return undefined;
    return refusal(401, 'Unauthenticated: send "Authorization: Bearer <metrics token>"', 'UNAUTHENTICATED', { 'WWW-Authenticate': 'Bearer realm="servercam-metrics"' });
  }
}
