/**
 * Failed authentications, limited per client address on every transport:
 * a wrong `Authorization: Bearer` token (any HTTP route, the WebSocket
 * upgrade), a wrong graphql-ws `connectionParams.authorization`, a wrong
 * sign-in token, a forged session cookie. A request with no credentials at
 * all is no guess and is not counted; nor is a genuine cookie that expired or
 * was signed out.
 *
 * Each address has a budget of `failedAuthPerMinute` failures (default 30),
 * usable all at once and refilled continuously (one every 2 s at 30). An
 * address that has spent it is refused, **even with a right token**, until
 * one failure's worth has refilled: HTTP 429 `RATE_LIMITED` with
 * `Retry-After`, graphql-ws close 4429. While refused, its tokens are not
 * even compared, so a guesser learns nothing and gets at most
 * `failedAuthPerMinute` tries a minute. Tokens are still compared in
 * constant time (auth.ts).
 * @module
 */
import { RateLimiter } from './limits.ts';

/** graphql-ws close code for an address over its failed-authentication budget. */
export const CLOSE_RATE_LIMITED = 4429;

export const RATE_LIMITED_MESSAGE = 'Too many failed authentications from this address: wait, then try again with the right token';

export class FailedAuthLimiter {
  readonly #failures: RateLimiter;

  constructor(perMinute: number) {
    this.#failures = new RateLimiter(perMinute, perMinute);
  }

  /** Seconds `address` must wait before presenting credentials again; 0 when it may now. */
  retryAfterS(address: string, now = Date.now()): number {
    const ms = this.#failures.waitMs(address, now);
    return ms === 0 ? 0 : Math.max(1, Math.ceil(ms / 1000));
  }

  /** Counts one failure of `address`. */
  fail(address: string, now = Date.now()): void {
    this.#failures.take(address, now);
  }
}

/** The 429 answer of an HTTP route (GraphQL-shaped on `/graphql`). */
export function rateLimitedResponse(retryAfterS: number, graphql: boolean): Response {
  const headers = { 'Cache-Control': 'no-store', 'Retry-After': String(retryAfterS) };
  if (graphql) {
    return Response.json({ errors: [{ message: RATE_LIMITED_MESSAGE, extensions: { code: 'RATE_LIMITED' } }] }, { status: 429, headers });
  }
  return Response.json({ error: RATE_LIMITED_MESSAGE, code: 'RATE_LIMITED' }, { status: 429, headers });
}
