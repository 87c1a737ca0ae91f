/**
 * How hard a token is to guess, by a simple measure that is easy to explain
 * (docs/security.md):
 *
 *     bits = effective length × log2(size of the character classes used)
 *
 * - The classes: lowercase letters (26), uppercase letters (26), digits (10),
 *   other printable ASCII (32). `openssl rand -hex 24` uses lowercase and
 *   digits: 36 symbols, 5.2 bits a character.
 * - The effective length counts what a guesser must really guess: a token
 *   made of one shorter part repeated (`passwordpassword`) counts that part
 *   once; in a run of one character (`0000`) or of consecutive codes (`1234`,
 *   `abcd`, `9876`) only the first two characters count.
 *
 * It overestimates tokens picked by people from words (use random tokens),
 * and passes random ones: 16 random hex characters measure about 80 bits
 * (64 is reached with 13 that count). Linear in the token's length.
 * @module
 */

/** A shorter token is refused: it could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** A token measuring fewer bits than this is refused. */
export const MIN_TOKEN_BITS = 64;

const CLASSES: ReadonlyArray<{ readonly test: (code: number) => boolean; readonly size: number }> = [
  { test: (c) => c >= 0x61 && c <= 0x7a, size: 26 },
  { test: (c) => c >= 0x41 && c <= 0x5a, size: 26 },
  { test: (c) => c >= 0x30 && c <= 0x39, size: 10 },
  { test: (c) => c >= 0x21 && c <= 0x7e && !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)), size: 32 },
];

/** The length of the shortest part whose repetition makes `text` (its smallest period, by KMP's failure function). */
function periodOf(codes: readonly number[]): number {
  const fail = new Array<number>(codes.length).fill(0);
  for (let i = 1, k = 0; i < codes.length; i++) {
    while (k > 0 && codes[i] !== codes[k]) k = fail[k - 1]!;
    if (codes[i] === codes[k]) k++;
    fail[i] = k;
  }
  return codes.length - (fail[codes.length - 1] ?? 0);
}

/**
 * Characters that count: all but those that go on a run of three or more with
 * the same step of 0, 1 or -1 (`aaa`, `123`, `cba`: only the first two count).
 */
function effectiveLength(codes: readonly number[]): number {
  let count = Math.min(codes.length, 2);
  for (let i = 2; i < codes.length; i++) {
    const step = codes[i]! - codes[i - 1]!;
    if (Math.abs(step) <= 1 && step === codes[i - 1]! - codes[i - 2]!) continue;
    count++;
  }
  return count;
}

/** The measure above, in bits. */
export function tokenBits(token: string): number {
  const codes = [...token].map((char) => char.codePointAt(0)!);
  if (codes.length === 0) return 0;
  let pool = 0;
  for (const { test, size } of CLASSES) if (codes.some(test)) pool += size;
  const unit = codes.slice(0, periodOf(codes));
  return effectiveLength(unit) * Math.log2(Math.max(pool, 1));
}

/** Why `token` is refused, without quoting it; undefined when it is fine. */
export function tokenProblem(token: string): string | undefined {
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    return `must be a token of at least ${MIN_TOKEN_LENGTH} printable characters with no spaces (e.g. from "openssl rand -hex 24")`;
  }
  const bits = tokenBits(token);
  if (bits < MIN_TOKEN_BITS) {
    return (
      `is too easy to guess: about ${Math.floor(bits)} bits, at least ${MIN_TOKEN_BITS} are needed ` +
      '(repeated parts, repeated characters and runs such as 1234 or abcd count once); use a random token, e.g. from "openssl rand -hex 24"'
    );
  }
  return undefined;
}
