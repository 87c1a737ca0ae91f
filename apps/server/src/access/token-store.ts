/**
 * Stored access tokens (`servercam.db`, table `access_tokens`): a label, a
 * set of cameras (or `*`), a set of capabilities, an optional expiry. The
 * secret (`sct_` + 43 base64url characters: 256 random bits) is shown once,
 * when made; only its SHA-256 is kept. A fast hash is enough: the secret is
 * 256 random bits, not a password, so no dictionary or brute force can reach
 * it and a slow KDF (bcrypt, scrypt, argon2) would only cost every request a
 * few milliseconds (docs/security.md).
 *
 * Revoked tokens are kept (marked), so a revocation is never undone by a
 * re-insert and a live stream of one can be found and closed; they are not
 * listed.
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { CAMERA_ID_PATTERN } from '@servercam/core';
import type { SqliteStatement } from '../events/sqlite.ts';
import { sha256 } from '../security/digest.ts';
import { CAPABILITIES, type Capability, type Grant } from './principal.ts';
import type { Migration, ServerDatabase } from './database.ts';

/** The prefix of every stored token's secret (secret scanners and logs can spot it). */
export const TOKEN_PREFIX = 'sct_';
const SECRET_SHAPE = /^sct_[A-Za-z0-9_-]{43}$/;
const MAX_LABEL = 100;
const MAX_CAMERAS = 256;

export const TOKEN_MIGRATIONS: readonly Migration[] = [
  {
    name: 'access-tokens-1',
    sql: `CREATE TABLE access_tokens (
            id TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            cameras TEXT NOT NULL,
            capabilities TEXT NOT NULL,
            secret_hash TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL,
            expires_at REAL,
            last_used_at REAL,
            revoked_at REAL,
            expiry_noted_at REAL
          );`,
  },
  {
    // Expiries are looked for every second (audit/record.ts): only the rows not noted yet are indexed.
    name: 'access-tokens-2',
    sql: 'CREATE INDEX access_tokens_unnoted_expiry ON access_tokens (expires_at) WHERE expires_at IS NOT NULL AND expiry_noted_at IS NULL AND revoked_at IS NULL;',
  },
];

/** A stored token as shown (never its secret or hash). */
export interface AccessToken {
  readonly id: string;
  readonly label: string;
  /** `['*']` for every camera. */
  readonly cameras: readonly string[];
  readonly capabilities: readonly Capability[];
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number | undefined;
  readonly lastUsedAt: number | undefined;
  readonly revokedAt: number | undefined;
}

export interface NewAccessToken {
  readonly label: string;
  readonly cameras: readonly string[];
  readonly capabilities: readonly Capability[];
  /** Epoch ms; undefined: never expires. */
  readonly expiresAt?: number | undefined;
}

/** An access token input the store refuses: `field` names what is wrong. */
export class InvalidAccessInput extends Error {
  readonly code = 'INVALID_ACCESS_INPUT';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'InvalidAccessInput';
    this.field = field;
  }
}

interface Row {
  id: string;
  label: string;
  cameras: string;
  capabilities: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const fromRow = (row: Row): AccessToken => ({
  id: row.id,
  label: row.label,
  cameras: JSON.parse(row.cameras) as string[],
  capabilities: JSON.parse(row.capabilities) as Capability[],
  createdAt: row.created_at,
  expiresAt: row.expires_at ?? undefined,
  lastUsedAt: row.last_used_at ?? undefined,
  revokedAt: row.revoked_at ?? undefined,
});

/** The key a secret is kept under: its SHA-256, hex. */
export const hashSecret = (secret: string, digest: Buffer = sha256(secret)): string => digest.toString('hex');

/** Whether a token is neither revoked nor expired at `now`. */
export function isLive(token: AccessToken, now = Date.now()): boolean {
  return token.revokedAt === undefined && (token.expiresAt === undefined || token.expiresAt > now);
}

/** The grant of a stored token. */
export function tokenGrant(token: AccessToken): Grant {
  return {
    kind: 'token',
    id: token.id,
    cameras: token.cameras.includes('*') ? '*' : new Set(token.cameras),
    capabilities: new Set(token.capabilities),
    expiresAt: token.expiresAt,
  };
}

/** Checks a label (1 to 100 characters, no control characters). */
export function checkLabel(label: unknown): string {
  if (typeof label !== 'string' || label.trim() === '' || label.length > MAX_LABEL || /\p{Cc}/u.test(label)) {
    throw new InvalidAccessInput('label', `label must be 1 to ${MAX_LABEL} characters with no control characters`);
  }
  return label.trim();
}

/** Checks a list of camera ids (or `*`), without duplicates. */
export function checkCameraList(cameras: readonly unknown[]): string[] {
  if (cameras.length === 0 || cameras.length > MAX_CAMERAS) throw new InvalidAccessInput('cameras', `cameras must list 1 to ${MAX_CAMERAS} camera ids, or "*" for all`);
  for (const camera of cameras) {
    if (camera !== '*' && (typeof camera !== 'string' || !CAMERA_ID_PATTERN.test(camera))) {
      throw new InvalidAccessInput('cameras', `cameras must be camera ids (1 to 64 letters, digits, "-" or "_") or "*", got ${JSON.stringify(camera)}`);
    }
  }
  const unique = [...new Set(cameras as string[])];
  return unique.includes('*') ? ['*'] : unique;
}

export function checkCapabilities(capabilities: readonly unknown[]): Capability[] {
  if (capabilities.length === 0) throw new InvalidAccessInput('capabilities', `capabilities must name at least one of ${CAPABILITIES.join(', ')}`);
  for (const capability of capabilities) {
    if (!CAPABILITIES.includes(capability as Capability)) {
      throw new InvalidAccessInput('capabilities', `capabilities must be among ${CAPABILITIES.join(', ')}, got ${JSON.stringify(capability)}`);
    }
  }
  return CAPABILITIES.filter((capability) => capabilities.includes(capability));
}

export function checkExpiry(expiresAt: number | undefined, now = Date.now()): number | undefined {
  if (expiresAt === undefined) return undefined;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) throw new InvalidAccessInput('expiresAt', 'expiresAt must be in the future');
  return expiresAt;
}

/** How often a token's `lastUsedAt` is written, at most (ms): a busy client costs no write per request. */
const LAST_USED_EVERY_MS = 60_000;

export class AccessTokenStore {
  readonly #lastUsedWritten = new Map<string, number>();
  readonly #statements: Readonly<Record<'insert' | 'get' | 'list' | 'revoke' | 'bySecret' | 'used' | 'takeExpired', SqliteStatement>>;

  constructor(database: ServerDatabase) {
    database.migrate(TOKEN_MIGRATIONS);
    const { db } = database;
    this.#statements = {
      insert: db.prepare('INSERT INTO access_tokens (id, label, cameras, capabilities, secret_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM access_tokens WHERE id = ?'),
      list: db.prepare('SELECT * FROM access_tokens WHERE revoked_at IS NULL ORDER BY created_at, id'),
      revoke: db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      bySecret: db.prepare('SELECT * FROM access_tokens WHERE secret_hash = ?'),
      used: db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE id = ?'),
      // One statement: atomic, so each expiry is returned once over every process on the database.
      takeExpired: db.prepare(
        'UPDATE access_tokens SET expiry_noted_at = ? WHERE expires_at IS NOT NULL AND expires_at <= ? AND expiry_noted_at IS NULL AND revoked_at IS NULL RETURNING *',
      ),
    };
  }

  /** Makes a token; its secret is returned here only. @throws {InvalidAccessInput} */
  create(input: NewAccessToken, now = Date.now()): { token: AccessToken; secret: string } {
    const label = checkLabel(input.label);
    const cameras = checkCameraList(input.cameras);
    const capabilities = checkCapabilities(input.capabilities);
    const expiresAt = checkExpiry(input.expiresAt, now);
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    this.#statements.insert.run(id, label, JSON.stringify(cameras), JSON.stringify(capabilities), hashSecret(secret), now, expiresAt ?? null);
    return { token: this.get(id)!, secret };
  }

  /** A token by id, revoked ones included. */
  get(id: string): AccessToken | undefined {
    const row = this.#statements.get.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The tokens not revoked (expired ones included, so an admin sees them), oldest first. */
  list(): AccessToken[] {
    return (this.#statements.list.all() as Row[]).map(fromRow);
  }

  /** Revokes a token: refused from now on. Returns it, or undefined when there is none (or it was revoked already). */
  revoke(id: string, now = Date.now()): AccessToken | undefined {
    const { changes } = this.#statements.revoke.run(now, id);
    return changes > 0 ? this.get(id) : undefined;
  }

  /** Whether `id` is a token that is neither revoked nor expired. */
  isActive(id: string, now = Date.now()): boolean {
    const token = this.get(id);
    return token !== undefined && isLive(token, now);
  }

  /**
   * The token of a presented secret, if it is live (not revoked, not
   * expired), noting its use. Anything not shaped like a secret is not looked
   * up. `digest` is the secret's SHA-256 when the caller has it already.
   */
  verify(secret: string, now = Date.now(), digest?: Buffer): AccessToken | undefined {
    if (!SECRET_SHAPE.test(secret)) return undefined;
    const row = this.#statements.bySecret.get(hashSecret(secret, digest)) as Row | undefined;
    if (!row) return undefined;
    const token = fromRow(row);
    if (!isLive(token, now)) return undefined;
    this.noteUse(token.id, now);
    return token;
  }

  /** Records a use (`lastUsedAt`), at most once a minute per token. */
  noteUse(id: string, now = Date.now()): void {
    const last = this.#lastUsedWritten.get(id);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.#lastUsedWritten.set(id, now);
    this.#statements.used.run(now, id);
  }

  /**
   * The tokens that have expired since last asked (each returned once, over
   * every process on the database): for the audit log's "expired" rows.
   */
  takeExpired(now = Date.now()): AccessToken[] {
    return (this.#statements.takeExpired.all(now, now) as Row[]).map(fromRow);
  }
}
