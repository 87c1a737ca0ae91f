/**
 * The one redaction of secrets in text shown to anyone: camera error
 * messages, `/healthz`, log lines, URLs of sources and of Redis. Every URL in
 * the text (`scheme://…`, also inside free text such as an FFmpeg or fetch
 * error that quotes it) loses:
 *
 * - its **userinfo**: everything before the **last** `@` of the authority
 *   (the authority ends at the first `/`, `?` or `#`), so
 *   `rtsp://admin:p@ss@h/live` becomes `rtsp://***@h/live`;
 * - the **values of credential-like parameters** in its query and fragment
 *   (see {@link isCredentialName}): `?user=admin&password=x` becomes
 *   `?user=admin&password=***`.
 *
 * A URL in free text ends at whitespace, a control character, a quote,
 * `<`, `>`, `` ` `` or `\` (so a JSON-escaped line stays valid JSON), and
 * loses trailing sentence punctuation (`.`, `,`, `;`, `:`, `!`, `?`, an
 * unbalanced `)` or `]`). One pass, no backtracking: linear in the text.
 * Redacting twice gives the same text as redacting once.
 * @module
 */

const MASK = '***';

/** Whole words (of a parameter name) that name a secret. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'passphrase',
  'token', 'key', 'secret', 'auth', 'signature', 'sig',
  'credential', 'credentials', 'apikey', 'session', 'sessionid', 'jwt', 'otp',
]);
/** Endings that name a secret even when glued to another word: `accesstoken`, `clientsecret`, `xsignature`. */
const SECRET_ENDINGS = ['password', 'passwd', 'token', 'secret', 'signature', 'apikey', 'credential', 'credentials'];

/**
 * Whether a query or fragment parameter name is credential-like. The name is
 * split into words at `_`, `-`, `.`, spaces and lower-to-upper case changes
 * (`api_key`, `X-Amz-Signature`, `apiKey` → api, key); it is one when a word
 * is one of `password`, `passwd`, `pass`, `pwd`, `passphrase`, `token`, `key`,
 * `secret`, `auth`, `signature`, `sig`, `credential(s)`, `apikey`, `session`,
 * `sessionid`, `jwt`, `otp`, or when the whole name (lower case) ends with
 * `password`, `passwd`, `token`, `secret`, `signature`, `apikey` or
 * `credential(s)`. Case-insensitive. `monkey`, `compass` and `author` are not.
 */
export function isCredentialName(name: string): boolean {
  const lower = name.toLowerCase();
  for (const ending of SECRET_ENDINGS) if (lower.endsWith(ending)) return true;
  let word = '';
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0x20;
    const separator = c === 0x5f || c === 0x2d || c === 0x2e || c === 0x20 || c === 0x5b || c === 0x5d;
    // camelCase: an upper-case letter after a lower-case one starts a new word.
    const boundary = c >= 0x41 && c <= 0x5a && i > 0 && isLower(name.charCodeAt(i - 1));
    if (separator || boundary) {
      if (word !== '' && SECRET_WORDS.has(word)) return true;
      word = '';
    }
    if (!separator) word += String.fromCharCode(c).toLowerCase();
  }
  return false;
}

/**
 * `text` with the credentials of every URL in it replaced by `***` (see the
 * module's doc), and each of the `known` secrets (the passwords of the
 * cameras' `credentials`, as given and percent-encoded) wherever it appears;
 * a known secret shorter than 4 characters is too common to replace.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let masked = text;
  for (const secret of known) {
    if (secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) if (masked.includes(form)) masked = masked.split(form).join(MASK);
  }
  return redactUrls(masked);
}

function redactUrls(text: string): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const mark = text.indexOf('://', from);
    if (mark < 0) break;
    // The scheme: up to 32 scheme characters before `://`, starting with a letter, not inside the last URL.
    let start = mark;
    while (start > copied && start > mark - 32 && isSchemeChar(text.charCodeAt(start - 1))) start--;
    while (start < mark && !isAlpha(text.charCodeAt(start))) start++;
    if (start === mark) {
      from = mark + 3;
      continue;
    }
    let end = mark + 3;
    while (end < text.length && !isUrlEnd(text.charCodeAt(end))) end++;
    end = trimTrailing(text, mark + 3, end);
    out += text.slice(copied, start) + redactUrlText(text.slice(start, end), mark - start + 3);
    copied = end;
    from = Math.max(end, mark + 3);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A source string with its credentials removed, safe to log or show: {@link redactSecrets}, under its older name. */
export function redactSource(text: string): string {
  return redactSecrets(text);
}

/** One URL token, `rest` starting after `scheme://`. */
function redactUrlText(url: string, rest: number): string {
  let authorityEnd = rest;
  while (authorityEnd < url.length) {
    const c = url.charCodeAt(authorityEnd);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
    authorityEnd++;
  }
  const at = url.lastIndexOf('@', authorityEnd - 1);
  const authority = at >= rest ? `${MASK}@${url.slice(at + 1, authorityEnd)}` : url.slice(rest, authorityEnd);
  let tail = url.slice(authorityEnd);
  const query = firstOf(tail, 0x3f, 0x23);
  if (query >= 0) tail = tail.slice(0, query) + redactParams(tail.slice(query));
  return url.slice(0, rest) + authority + tail;
}

/** `?a=1&password=x#token=y`: each parameter after `?`, `#`, `&` or `;` whose name is credential-like loses its value. */
function redactParams(params: string): string {
  let out = '';
  let i = 0;
  while (i < params.length) {
    // params[i] is a delimiter: ? # & ;
    out += params[i];
    let end = i + 1;
    while (end < params.length && !isParamDelimiter(params.charCodeAt(end))) end++;
    const param = params.slice(i + 1, end);
    const eq = param.indexOf('=');
    if (eq > 0 && eq < param.length - 1 && isCredentialName(safeDecode(param.slice(0, eq)))) out += `${param.slice(0, eq)}=${MASK}`;
    else out += param;
    i = end;
  }
  return out;
}

function trimTrailing(text: string, min: number, end: number): number {
  let opened = 0;
  let closed = 0;
  let squareOpen = 0;
  let squareClosed = 0;
  for (let i = min; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28) opened++;
    else if (c === 0x29) closed++;
    else if (c === 0x5b) squareOpen++;
    else if (c === 0x5d) squareClosed++;
  }
  while (end > min) {
    const c = text.charCodeAt(end - 1);
    if (c === 0x29 && closed > opened) closed--;
    else if (c === 0x5d && squareClosed > squareOpen) squareClosed--;
    else if (!(c === 0x2e || c === 0x2c || c === 0x3b || c === 0x3a || c === 0x21 || c === 0x3f)) break;
    end--;
  }
  return end;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

function firstOf(text: string, a: number, b: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === a || c === b) return i;
  }
  return -1;
}

function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || isLower(c);
}

function isSchemeChar(c: number): boolean {
  return isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e;
}

function isParamDelimiter(c: number): boolean {
  return c === 0x26 || c === 0x3b || c === 0x23 || c === 0x3f; // & ; # ?
}

/** Where a URL in free text ends: whitespace and controls, quotes, `<`, `>`, backquote, backslash. */
function isUrlEnd(c: number): boolean {
  return c <= 0x20 || c === 0x7f || c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e || c === 0x60 || c === 0x5c;
}
