/**
 * Credentials of a network camera, given apart from its URL (a camera's
 * `credentials`), so no secret has to be written in a source string. They are
 * never shown: not in a camera's status, nor in an error message (see
 * redact.ts).
 *
 * - OpenCV (FFmpeg) gets them in the URL's userinfo, percent-encoded
 *   (`rtsp://user:p%40ss@host/…`), which is how FFmpeg reads RTSP and HTTP
 *   credentials.
 * - The HTTP reachability probe (fetch, which refuses a URL with credentials)
 *   sends them as `Authorization: Basic`, whether they came from
 *   `credentials` or from the URL itself.
 * @module
 */
import { Buffer } from 'node:buffer';

export interface SourceCredentials {
  /** 1 to 256 characters, no `:` (HTTP Basic forbids it) and no control character. */
  readonly username: string;
  /** Up to 1024 characters, no control character; absent for a user without a password. */
  readonly password?: string | undefined;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with `value` as credentials, or undefined when it is fine. Never quotes the password. */
export function credentialsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object { "username": "...", "password": "..." }';
  const { username, password, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `has unknown field(s) ${extra.join(', ')} (use username, password)`;
  if (typeof username !== 'string' || username.length === 0 || username.length > 256 || username.includes(':') || CONTROL.test(username)) {
    return 'username must be 1 to 256 characters, without ":" or control characters';
  }
  if (password !== undefined && (typeof password !== 'string' || password.length > 1024 || CONTROL.test(password))) {
    return 'password must be a string of at most 1024 characters without control characters';
  }
  return undefined;
}

/** Whether a URL carries userinfo (`scheme://user:pw@host/…`; the authority's last `@` splits it off). */
export function hasUserinfo(url: string): boolean {
  const rest = url.indexOf('://');
  if (rest < 0) return false;
  for (let i = rest + 3; i < url.length; i++) {
    const c = url[i];
    if (c === '/' || c === '?' || c === '#') return false;
    if (c === '@') return true;
  }
  return false;
}

/** `url` with `credentials` as its userinfo, percent-encoded; `url` itself when there are none. */
export function withUserinfo(url: string, credentials: SourceCredentials | undefined): string {
  if (!credentials) return url;
  const rest = url.indexOf('://') + 3;
  const password = credentials.password === undefined ? '' : `:${encodeURIComponent(credentials.password)}`;
  return `${url.slice(0, rest)}${encodeURIComponent(credentials.username)}${password}@${url.slice(rest)}`;
}

/**
 * An HTTP(S) URL without its userinfo, and the `Authorization: Basic` value
 * for the userinfo it had or for `credentials`.
 */
export function basicAuth(url: string, credentials?: SourceCredentials): { url: string; authorization: string | undefined } {
  const parsed = new URL(url);
  let username = credentials?.username;
  let password = credentials?.password;
  if (parsed.username !== '' || parsed.password !== '') {
    username = decode(parsed.username);
    password = decode(parsed.password);
    parsed.username = '';
    parsed.password = '';
  }
  if (username === undefined) return { url, authorization: undefined };
  const token = Buffer.from(`${username}:${password ?? ''}`, 'utf8').toString('base64');
  return { url: parsed.href, authorization: `Basic ${token}` };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
