/**
 * The access data of a server, in its database (database.ts): stored tokens
 * and share links, and the events the audit log records
 * (`created`, `revoked`, `expired` of tokens and links).
 *
 * `servercam serve` keeps it in `<dataDir>/servercam.db` (default
 * `./servercam-data`); `createServer` without `dataDir` keeps it in memory.
 * @module
 */
import { Emitter } from '@servercam/core';
import { ServerDatabase } from './database.ts';
import { type ShareLink, ShareLinkStore } from './share-links.ts';
import { type AccessToken, AccessTokenStore, type NewAccessToken } from './token-store.ts';

/**
 * Who made a change: the principal's name in the audit log (access/principal.ts's
 * `principalName`: `role:admin`, `token:<id>`; {@link CLI_ACTOR} for the command
 * line) and the client address it came from. Never a secret.
 */
export interface AccessActor {
  readonly name: string;
  readonly address?: string | undefined;
}

/** The author of changes made with `servercam token`. */
export const CLI_ACTOR: AccessActor = { name: 'cli' };

/** What happened to a token or a link, for the audit log: `by` is who did it (undefined for an expiry). */
export type AccessChange =
  | { readonly kind: 'token'; readonly change: 'created' | 'revoked' | 'expired'; readonly token: AccessToken; readonly by: AccessActor | undefined }
  | { readonly kind: 'link'; readonly change: 'created' | 'revoked' | 'expired'; readonly link: ShareLink; readonly by: AccessActor | undefined };

export class AccessStore implements Disposable {
  readonly database: ServerDatabase;
  readonly tokens: AccessTokenStore;
  readonly links: ShareLinkStore;
  readonly #changes = new Emitter<{ change: AccessChange }>();

  constructor(database: ServerDatabase) {
    this.database = database;
    this.tokens = new AccessTokenStore(database);
    this.links = new ShareLinkStore(database);
  }

  /** Opens `servercam.db` in `dataDir`, or an in-memory database when `dataDir` is undefined. */
  static open(dataDir: string | undefined): AccessStore {
    return new AccessStore(ServerDatabase.open(dataDir ?? ':memory:'));
  }

  /** Calls `listener` with every change made through this store (and expiries it notices). Returns the unsubscribe. */
  onChange(listener: (change: AccessChange) => void): () => void {
    return this.#changes.on('change', listener);
  }

  createToken(input: NewAccessToken, by?: AccessActor): { token: AccessToken; secret: string } {
    const created = this.tokens.create(input);
    this.#changes.emit('change', { kind: 'token', change: 'created', token: created.token, by });
    return created;
  }

  revokeToken(id: string, by?: AccessActor): AccessToken | undefined {
    const token = this.tokens.revoke(id);
    if (token) this.#changes.emit('change', { kind: 'token', change: 'revoked', token, by });
    return token;
  }

  createLink(input: { cameraId: string; label: string; expiresAt: number }, by?: AccessActor): { link: ShareLink; token: string } {
    const created = this.links.create(input);
    this.#changes.emit('change', { kind: 'link', change: 'created', link: created.link, by });
    return created;
  }

  revokeLink(id: string, by?: AccessActor): ShareLink | undefined {
    const link = this.links.revoke(id);
    if (link) this.#changes.emit('change', { kind: 'link', change: 'revoked', link, by });
    return link;
  }

  /** Reports the tokens and links that expired since last asked (once each, across processes). */
  noteExpiries(now = Date.now()): void {
    for (const token of this.tokens.takeExpired(now)) this.#changes.emit('change', { kind: 'token', change: 'expired', token, by: undefined });
    for (const link of this.links.takeExpired(now)) this.#changes.emit('change', { kind: 'link', change: 'expired', link, by: undefined });
  }

  close(): void {
    this.database.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
