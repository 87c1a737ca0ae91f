/**
 * What a caller may do: a {@link Grant} (a set of cameras, or `*`, a set of
 * capabilities, an optional expiry) from one credential. Every credential
 * becomes one:
 *
 * | credential | cameras | capabilities |
 * | --- | --- | --- |
 * | `SERVERCAM_VIEWER_TOKEN` / `auth.viewerToken` | `*` | view, events |
 * | `SERVERCAM_OPERATOR_TOKEN` / `auth.operatorToken` | `*` | view, events, control |
 * | `SERVERCAM_ADMIN_TOKEN` / `auth.adminToken` | `*` | view, events, control, admin |
 * | auth off (loopback, or `--insecure-no-auth`) | `*` | every capability |
 * | a stored access token (token-store.ts) | its cameras | its capabilities, until its expiry |
 * | a share link (share-links.ts) | its one camera | view, until its expiry |
 *
 * The checks of a grant against a camera or an operation are in scope.ts.
 * @module
 */

/** What a grant allows (GraphQL's `Capability`, lower case). */
export type Capability = 'view' | 'events' | 'control' | 'admin';

export const CAPABILITIES: readonly Capability[] = ['view', 'events', 'control', 'admin'];

/** Where a grant comes from: a configured role token, a stored access token, a share link, or auth off. */
export type GrantKind = 'role' | 'token' | 'link' | 'open';

export interface Grant {
  readonly kind: GrantKind;
  /** The role (`viewer`, `operator`, `admin`, `open`), the stored token's id, or the link's id. */
  readonly id: string;
  /** `*` for every camera, present and future. */
  readonly cameras: '*' | ReadonlySet<string>;
  readonly capabilities: ReadonlySet<Capability>;
  /** Epoch ms after which the grant is refused; undefined: no expiry. */
  readonly expiresAt?: number | undefined;
}

/** The three configured roles (env variables or `auth` in the config file). */
export type RoleName = 'viewer' | 'operator' | 'admin';

const ROLE_CAPABILITIES: Readonly<Record<RoleName, readonly Capability[]>> = {
  viewer: ['view', 'events'],
  operator: ['view', 'events', 'control'],
  admin: ['view', 'events', 'control', 'admin'],
};

/** The grant of a configured role token: every camera, the role's capabilities, no expiry. */
export function roleGrant(role: RoleName): Grant {
  return { kind: 'role', id: role, cameras: '*', capabilities: new Set(ROLE_CAPABILITIES[role]) };
}

/** Auth off: everything, as before tokens existed. */
export const OPEN_GRANT: Grant = { kind: 'open', id: 'open', cameras: '*', capabilities: new Set(CAPABILITIES) };

/** A grant of nothing (no camera, no capability): what a caller without credentials is shown. */
export const NO_GRANT: Grant = { kind: 'open', id: 'none', cameras: new Set(), capabilities: new Set() };

/** A key naming the credential behind a grant (live streams are held under it for revocation). */
export function grantKey(grant: Pick<Grant, 'kind' | 'id'>): string {
  return `${grant.kind}:${grant.id}`;
}

/** A principal's name in the audit log: `role:operator`, `token:<id>`, `link:<id>`, `open` (auth off). Never a secret. */
export function principalName(grant: Pick<Grant, 'kind' | 'id'>): string {
  return grant.kind === 'open' ? 'open' : grantKey(grant);
}

/** Whether the grant is past its expiry at `now`. */
export function isExpired(grant: Grant, now = Date.now()): boolean {
  return grant.expiresAt !== undefined && grant.expiresAt <= now;
}

/** The role name shown for a grant (`GET /auth/session`'s `role`, kept for older clients). */
export function roleOfGrant(grant: Grant): RoleName {
  if (grant.capabilities.has('admin')) return 'admin';
  return grant.capabilities.has('control') ? 'operator' : 'viewer';
}
