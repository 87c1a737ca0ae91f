/**
 * The admin page's state: access tokens and share links, loaded from the
 * server, created and revoked through it. A new token's secret and a new
 * link's URL are kept only until dismissed: the server never shows them again.
 * @module
 */
import {
  AccessTokensDocument,
  CreateAccessTokenDocument,
  CreateShareLinkDocument,
  RevokeAccessTokenDocument,
  RevokeShareLinkDocument,
  ShareLinksDocument,
  type AccessTokenFieldsFragment,
  type CreateAccessTokenInput,
  type CreateShareLinkInput,
  type ShareLinkFieldsFragment,
} from '@servercam/schema/client';
import type { Document } from '../graphql/document.ts';
import { OperationError } from '../graphql/errors.ts';

export type AccessToken = AccessTokenFieldsFragment;
export type ShareLink = ShareLinkFieldsFragment;

/** Runs a query or mutation (the console's `query`). */
export type Run = <TResult, TVariables>(document: Document<TResult, TVariables>, variables: TVariables) => Promise<TResult>;

/** Something shown once: a new token's secret or a new link's URL. */
export interface Revealed {
  readonly kind: 'token' | 'link';
  readonly label: string;
  readonly value: string;
}

export class AdminModel {
  tokens = $state<AccessToken[]>([]);
  links = $state<ShareLink[]>([]);
  loaded = $state(false);
  /** The last failure loading the lists. */
  loadError = $state<string | null>(null);
  /** The secret or URL to show once, until dismissed. */
  revealed = $state<Revealed | null>(null);

  readonly #run: Run;
  readonly #origin: string;

  /** `origin`: where share links' paths are resolved (the page's own). */
  constructor(run: Run, origin: string) {
    this.#run = run;
    this.#origin = origin;
  }

  async load(): Promise<void> {
    try {
      const [{ accessTokens }, { shareLinks }] = await Promise.all([this.#run(AccessTokensDocument, {}), this.#run(ShareLinksDocument, {})]);
      this.tokens = accessTokens.map((token) => ({ ...token }));
      this.links = shareLinks.map((link) => ({ ...link }));
      this.loaded = true;
      this.loadError = null;
    } catch (error) {
      this.loadError = OperationError.from(error).message;
    }
  }

  /** Creates a token; its secret is revealed once. Rejects with the server's message. */
  async createToken(input: CreateAccessTokenInput): Promise<void> {
    const { createAccessToken } = await this.#run(CreateAccessTokenDocument, { input });
    this.tokens = [...this.tokens.filter((token) => token.id !== createAccessToken.token.id), { ...createAccessToken.token }];
    this.revealed = { kind: 'token', label: createAccessToken.token.label, value: createAccessToken.secret };
  }

  async revokeToken(id: string): Promise<void> {
    await this.#run(RevokeAccessTokenDocument, { id });
    this.tokens = this.tokens.filter((token) => token.id !== id);
  }

  /** Creates a share link; its full URL is revealed once. */
  async createLink(input: CreateShareLinkInput): Promise<void> {
    const { createShareLink } = await this.#run(CreateShareLinkDocument, { input });
    this.links = [...this.links.filter((link) => link.id !== createShareLink.link.id), { ...createShareLink.link }];
    this.revealed = { kind: 'link', label: createShareLink.link.label, value: new URL(createShareLink.url, this.#origin).href };
  }

  async revokeLink(id: string): Promise<void> {
    await this.#run(RevokeShareLinkDocument, { id });
    this.links = this.links.filter((link) => link.id !== id);
  }

  dismissRevealed(): void {
    this.revealed = null;
  }
}
