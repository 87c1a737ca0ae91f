/**
 * The hashes and MACs of credentials, compared in constant time: the SHA-256
 * of a token (configured role tokens, the metrics token, stored tokens'
 * lookup key) and the HMAC-SHA256 of a signed value (session cookies, share
 * links).
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The SHA-256 of `text` (UTF-8): 32 bytes, so comparisons never depend on a token's length. */
export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Whether two digests of the same length are equal, in constant time. */
export const sameDigest = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** The HMAC-SHA256 of `body` under `key`, base64url. */
export const macOf = (key: Buffer, body: string): string => createHmac('sha256', key).update(body).digest('base64url');

/** Whether `given` is the MAC of `body` under `key`, compared in constant time. */
export function macMatches(key: Buffer, body: string, given: string): boolean {
  const expected = Buffer.from(macOf(key, body));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
