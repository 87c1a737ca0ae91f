/**
 * Share links: an expiring, revocable link to one camera's live view.
 *
 * The link's token is `scl1.<id>.<camera>.<expires>.<mac>`: `id` 96 random
 * bits (base64url), `camera` the camera id, `expires` seconds since the
 * epoch, `mac` an HMAC-SHA256 of the rest keyed by the database's
 * `share-links` secret (database.ts). The camera and expiry are inside and
 * signed, so they cannot be changed; `id` names the row in `share_links`,
 * so the link can be revoked. The token is presented like any token
 * (`Authorization: Bearer`, graphql-ws `connectionParams.authorization`,
 * `POST /auth/session`); the UI opens `/share/<token>`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { CAMERA_ID_PATTERN } from '@servercam/core';
import type { SqliteStatement } from '../events/sqlite.ts';
import { macMatches, macOf } from '../security/digest.ts';
import type { Migration, ServerDatabase } from './database.ts';
import type { Grant } from './principal.ts';
import { checkLabel, InvalidAccessInput } from './token-store.ts';

export const LINK_PREFIX = 'scl1.';
/** The UI's path of a share link (relative to the server's base): `/share/<token>`. */
export const SHARE_PATH = '/share/';
const LINK_ID = /^[A-Za-z0-9_-]{16}$/;
const SECONDS = /^\d{1,12}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;
/** A share link lasts at most this long (ms): it is a bearer credential in a URL. */
export const MAX_LINK_LIFETIME_MS = 365 * 24 * 3600 * 1000;

export const LINK_MIGRATIONS: readonly Migration[] = [
  {
    name: 'share-links-1',
    sql: `CREATE TABLE share_links (
            id TEXT PRIMARY KEY,
            camera_id TEXT NOT NULL,
            label TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL
          );`,
  },
  {
    // Expiries noted once each for the audit log (audit/record.ts), as tokens' are; links already past theirs are not news.
    name: 'share-links-2',
    sql: `ALTER TABLE share_links ADD COLUMN expiry_noted_at REAL;
          UPDATE share_links SET expiry_noted_at = expires_at WHERE expires_at <= (julianday('now') - 2440587.5) * 86400000.0;
          CREATE INDEX share_links_unnoted_expiry ON share_links (expires_at) WHERE expiry_noted_at IS NULL AND revoked_at IS NULL;`,
  },
];

export interface ShareLink {
  readonly id: string;
  readonly cameraId: string;
  readonly label: string;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | undefined;
}

interface Row {
  id: string;
  camera_id: string;
  label: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

const fromRow = (row: Row): ShareLink => ({
  id: row.id,
  cameraId: row.camera_id,
  label: row.label,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at ?? undefined,
});

/** The grant of a share link: its camera, `view`, until its expiry. */
export function linkGrant(link: Pick<ShareLink, 'id' | 'cameraId' | 'expiresAt'>): Grant {
  return { kind: 'link', id: link.id, cameras: new Set([link.cameraId]), capabilities: new Set(['view']), expiresAt: link.expiresAt };
}

/** Whether a link is neither revoked nor expired at `now`. */
export function isLinkLive(link: ShareLink, now = Date.now()): boolean {
  return link.revokedAt === undefined && link.expiresAt > now;
}

export class ShareLinkStore {
  readonly #key: Buffer;
  readonly #statements: Readonly<Record<'insert' | 'get' | 'list' | 'revoke' | 'takeExpired', SqliteStatement>>;

  constructor(database: ServerDatabase) {
    database.migrate(LINK_MIGRATIONS);
    this.#key = database.secret('share-links');
    const { db } = database;
    this.#statements = {
      insert: db.prepare('INSERT INTO share_links (id, camera_id, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM share_links WHERE id = ?'),
      list: db.prepare('SELECT * FROM share_links WHERE revoked_at IS NULL AND expires_at > ? ORDER BY created_at, id'),
      revoke: db.prepare('UPDATE share_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      // One statement: atomic, so each expiry is returned once over every process on the database.
      takeExpired: db.prepare('UPDATE share_links SET expiry_noted_at = ? WHERE expires_at <= ? AND expiry_noted_at IS NULL AND revoked_at IS NULL RETURNING *'),
    };
  }

  /** Makes a link to `cameraId` until `expiresAt` (epoch ms, rounded down to the second). @throws {InvalidAccessInput} */
  create(input: { cameraId: string; label: string; expiresAt: number }, now = Date.now()): { link: ShareLink; token: string } {
    const label = checkLabel(input.label);
    if (!CAMERA_ID_PATTERN.test(input.cameraId)) throw new InvalidAccessInput('cameraId', 'cameraId must be a camera id');
    const expiresS = Math.floor(input.expiresAt / 1000);
    if (!Number.isFinite(input.expiresAt) || expiresS * 1000 <= now) throw new InvalidAccessInput('expiresAt', 'expiresAt must be in the future');
    if (input.expiresAt - now > MAX_LINK_LIFETIME_MS) throw new InvalidAccessInput('expiresAt', 'a share link lasts at most 365 days');
    const id = randomBytes(12).toString('base64url');
    this.#statements.insert.run(id, input.cameraId, label, now, expiresS * 1000);
    const body = `${LINK_PREFIX}${id}.${input.cameraId}.${expiresS}`;
    return { link: this.get(id)!, token: `${body}.${macOf(this.#key, body)}` };
  }

  get(id: string): ShareLink | undefined {
    const row = this.#statements.get.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The links neither revoked nor expired, oldest first. */
  list(now = Date.now()): ShareLink[] {
    return (this.#statements.list.all(now) as Row[]).map(fromRow);
  }

  revoke(id: string, now = Date.now()): ShareLink | undefined {
    const { changes } = this.#statements.revoke.run(now, id);
    return changes > 0 ? this.get(id) : undefined;
  }

  isActive(id: string, now = Date.now()): boolean {
    const link = this.get(id);
    return link !== undefined && isLinkLive(link, now);
  }

  /** The links that have expired since last asked (each returned once, over every process on the database): for the audit log. */
  takeExpired(now = Date.now()): ShareLink[] {
    return (this.#statements.takeExpired.all(now, now) as Row[]).map(fromRow);
  }

  /** Whether `text` has the shape of a link token (not whether it is genuine). */
  static looksLikeLink(text: string): boolean {
    return text.startsWith(LINK_PREFIX);
  }

  /** The link of a presented token: genuine (MAC), not expired, not revoked. Linear in the token's length. */
  verify(token: string, now = Date.now()): ShareLink | undefined {
    if (token.length > 200 || !token.startsWith(LINK_PREFIX)) return undefined;
    const parts = token.split('.');
    if (parts.length !== 5) return undefined;
    const [, id, cameraId, expiresText, given] = parts as [string, string, string, string, string];
    if (!LINK_ID.test(id) || !CAMERA_ID_PATTERN.test(cameraId) || !SECONDS.test(expiresText) || !MAC.test(given)) return undefined;
    if (!macMatches(this.#key, `${LINK_PREFIX}${id}.${cameraId}.${expiresText}`, given)) return undefined;
    if (Number(expiresText) * 1000 <= now) return undefined;
    const link = this.get(id);
    if (!link || link.cameraId !== cameraId || !isLinkLive(link, now)) return undefined;
    return link;
  }
}
