/**
 * The GraphQL side of access: `viewer`, `accessTokens`, `shareLinks` and
 * their mutations (admin only: scope.ts's FIELD_ACCESS). Secrets appear in
 * exactly two answers, `createAccessToken`'s `secret` and `createShareLink`'s
 * `url`, and nowhere else.
 * @module
 */
import type {
  AccessToken as GraphQLAccessToken,
  Capability as GraphQLCapability,
  MutationCreateAccessTokenArgs,
  MutationCreateShareLinkArgs,
  ShareLink as GraphQLShareLink,
  Viewer,
} from '@servercam/schema';
import { GraphQLError } from 'graphql';
import { isoTime } from '../frames/serialize.ts';
import { badUserInput, unknownCamera } from '../schema/errors.ts';
import type { Capability, Grant } from './principal.ts';
import { canSeeCamera, forbidden, inScope, visibleIds } from './scope.ts';
import { SHARE_PATH, type ShareLink } from './share-links.ts';
import type { AccessActor, AccessStore } from './store.ts';
import { type AccessToken, InvalidAccessInput } from './token-store.ts';


const toGraphQLCapability = (capability: Capability): GraphQLCapability => capability.toUpperCase() as GraphQLCapability;
const fromGraphQLCapability = (capability: GraphQLCapability): Capability => capability.toLowerCase() as Capability;

export function toGraphQLToken(token: AccessToken): GraphQLAccessToken {
  return {
    id: token.id,
    label: token.label,
    cameras: [...token.cameras],
    capabilities: token.capabilities.map(toGraphQLCapability),
    createdAt: isoTime(token.createdAt),
    expiresAt: token.expiresAt !== undefined ? isoTime(token.expiresAt) : null,
    lastUsedAt: token.lastUsedAt !== undefined ? isoTime(token.lastUsedAt) : null,
  };
}

export function toGraphQLLink(link: ShareLink): GraphQLShareLink {
  return { id: link.id, cameraId: link.cameraId, label: link.label, createdAt: isoTime(link.createdAt), expiresAt: isoTime(link.expiresAt) };
}

/** What the caller may do, for the UI to hide controls. */
export function viewerOf(grant: Grant): Viewer {
  return {
    capabilities: [...grant.capabilities].map(toGraphQLCapability),
    cameras: grant.cameras === '*' ? ['*'] : [...grant.cameras],
    shareLink: grant.kind === 'link',
    expiresAt: grant.expiresAt !== undefined ? isoTime(grant.expiresAt) : null,
  };
}

function store(access: AccessStore | undefined): AccessStore {
  if (!access) throw new GraphQLError('Access tokens are not available on this server', { extensions: { code: 'ACCESS_UNAVAILABLE' } });
  return access;
}

function asUserInput<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof InvalidAccessInput) throw badUserInput(error.message, 'input', error.field);
    throw error;
  }
}

/** No one grants more than they hold: `*` only from a `*` admin, cameras only among those it can see. */
function checkNamedCameras(cameras: readonly string[], grant: Grant, exists: (id: string) => boolean, ids: readonly string[]): void {
  for (const camera of cameras) {
    if (camera === '*') {
      if (grant.cameras !== '*') throw forbidden('granting every camera ("*") needs a token that has every camera');
      continue;
    }
    if (!canSeeCamera(grant, camera, exists)) throw unknownCamera(camera, visibleIds(grant, ids), 'input');
  }
}

export function createAccessToken(
  access: AccessStore | undefined,
  { input }: MutationCreateAccessTokenArgs,
  grant: Grant,
  cameras: { has(id: string): boolean; readonly ids: readonly string[] },
  by: AccessActor,
): { token: GraphQLAccessToken; secret: string } {
  checkNamedCameras(input.cameras, grant, (id) => cameras.has(id), cameras.ids);
  for (const capability of input.capabilities) {
    if (!grant.capabilities.has(fromGraphQLCapability(capability))) throw forbidden(`granting ${capability} needs a token that has it`);
  }
  const created = asUserInput(() =>
    store(access).createToken({
      label: input.label,
      cameras: input.cameras,
      capabilities: input.capabilities.map(fromGraphQLCapability),
      // A DateTime scalar: already checked (schema/scalars.ts); a bad one would be refused by the store anyway.
      expiresAt: input.expiresAt == null ? undefined : Date.parse(input.expiresAt),
    }, by),
  );
  return { token: toGraphQLToken(created.token), secret: created.secret };
}

export function createShareLink(
  access: AccessStore | undefined,
  { input }: MutationCreateShareLinkArgs,
  grant: Grant,
  cameras: { has(id: string): boolean; readonly ids: readonly string[] },
  by: AccessActor,
): { link: GraphQLShareLink; url: string } {
  checkNamedCameras([input.cameraId], grant, (id) => cameras.has(id), cameras.ids);
  const expiresAt = Date.parse(input.expiresAt);
  const created = asUserInput(() => store(access).createLink({ cameraId: input.cameraId, label: input.label, expiresAt }, by));
  return { link: toGraphQLLink(created.link), url: `${SHARE_PATH}${created.token}` };
}

/**
 * Whether an admin may see and revoke a token: an admin of every camera, any
 * token; an admin of some cameras, only tokens within them (others are
 * answered as tokens that do not exist).
 */
function manages(grant: Grant, cameras: readonly string[]): boolean {
  return grant.cameras === '*' || cameras.every((camera) => camera !== '*' && inScope(grant, camera));
}

export const accessQueries = {
  accessTokens: (access: AccessStore | undefined, grant: Grant): GraphQLAccessToken[] =>
    store(access).tokens.list().filter((token) => manages(grant, token.cameras)).map(toGraphQLToken),
  shareLinks: (access: AccessStore | undefined, grant: Grant): GraphQLShareLink[] =>
    store(access).links.list().filter((link) => manages(grant, [link.cameraId])).map(toGraphQLLink),
  revokeAccessToken: (access: AccessStore | undefined, id: string, grant: Grant, by: AccessActor): GraphQLAccessToken | null => {
    const existing = store(access).tokens.get(id);
    if (!existing || !manages(grant, existing.cameras)) return null;
    const token = store(access).revokeToken(id, by);
    return token ? toGraphQLToken(token) : null;
  },
  revokeShareLink: (access: AccessStore | undefined, id: string, grant: Grant, by: AccessActor): GraphQLShareLink | null => {
    const existing = store(access).links.get(id);
    if (!existing || !manages(grant, [existing.cameraId])) return null;
    const link = store(access).revokeLink(id, by);
    return link ? toGraphQLLink(link) : null;
  },
};
