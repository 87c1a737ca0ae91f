/**
 * A server with scoped principals for the access tests: two cameras (`a`, `b`),
 * an admin token, stored tokens of each kind made through the real GraphQL
 * API, a share link, and two motion events (one per camera) in its real event
 * store. Plus clients that present a credential on every transport.
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import type { SseEvent } from '@servercam/testing';
import { SHARE_PATH } from '../../src/access/share-links.ts';
import type { StoredEvent } from '../../src/events/store.ts';
import { bearer, postGraphql, type Running, sseOpen as sseRequest, startServer, wsClient } from './clients.ts';
import { tempDir } from './media.ts';

export const ADMIN = 'adm-Q7r2Kx9LmZ4pW8vB3nT6';
export const PRINCIPALS = ['none', 'expired', 'revoked', 'outOfScope', 'view', 'events', 'control', 'admin', 'link'] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export interface AccessWorld {
  readonly running: Running;
  readonly dataDir: string;
  /** The secret each principal presents (`none`: undefined). */
  readonly secrets: Readonly<Record<PrincipalName, string | undefined>>;
  /** Every secret made during setup, to look for in answers and logs. */
  readonly allSecrets: readonly string[];
}

export interface GraphQLAnswer {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
  readonly text: string;
}

/** A GraphQL operation over HTTP with `secret` as a bearer token. */
export async function gql(url: string, secret: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> {
  const response = await postGraphql(url, query, variables, { headers: bearer(secret) });
  const text = await response.text();
  return { status: response.status, text, ...(JSON.parse(text) as object) };
}

/** A GET with `secret` as a bearer token. */
export function get(url: string, secret: string | undefined, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: bearer(secret) });
}

/** A graphql-ws client presenting `secret` in `connectionParams` (closed by `closeAll`); resolves once acknowledged, or with the close code. */
export function wsConnect(wsUrl: string, secret: string | undefined): { client: Client; closed: Promise<number>; acked: Promise<boolean> } {
  let closedWith: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => (closedWith = resolve));
  let ackedWith: (ok: boolean) => void = () => {};
  const acked = new Promise<boolean>((resolve) => (ackedWith = resolve));
  const client = wsClient(wsUrl, {
    connectionParams: bearer(secret),
    on: {
      connected: () => ackedWith(true),
      closed: (event) => {
        ackedWith(false);
        closedWith((event as { code: number }).code);
      },
    },
  });
  return { client, closed, acked };
}

/** The SSE events of an operation with `secret` as a bearer token (aborted by `closeAll` too); `response` resolves with the HTTP response. */
export function sseOpen(url: string, secret: string | undefined, query: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<{ response: Response; events: AsyncGenerator<SseEvent> | undefined }> {
  return sseRequest(url, query, variables, { headers: bearer(secret), signal });
}

const CREATE_TOKEN = 'mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token { id } secret } }';

async function createToken(url: string, cameras: string[], capabilities: string[]): Promise<{ id: string; secret: string }> {
  const answer = await gql(url, ADMIN, CREATE_TOKEN, { input: { label: `test ${capabilities.join('+')}`, cameras, capabilities } });
  const created = answer.data?.['createAccessToken'] as { token: { id: string }; secret: string } | undefined;
  if (!created) throw new Error(`createAccessToken failed: ${answer.text}`);
  return { id: created.token.id, secret: created.secret };
}

function storedEvent(id: string, cameraId: string, dataDir: string): StoredEvent {
  mkdirSync(join(dataDir, 'clips'), { recursive: true });
  writeFileSync(join(dataDir, 'clips', `${id}.jpg`), new Uint8Array([0xff, 0xd8, 0xff, 0xd9]));
  return {
    id, cameraId, startedAt: Date.now() - 60_000, endedAt: Date.now() - 50_000, peakScore: 0.5, boxes: [],
    snapshotFile: `clips/${id}.jpg`, snapshotWidth: 64, snapshotHeight: 48, clipFile: undefined, clipMimeType: undefined,
    recording: 'none', recordingError: undefined, clipSeconds: undefined, bytes: 4,
  };
}

/** Starts the server and makes every principal (closed by the clients helpers' `closeAll`). */
export async function accessWorld(): Promise<AccessWorld> {
  const dataDir = mkdtempSync(join(tempDir, 'access-'));
  const running = await startServer({
    cameras: [
      // Motion detection gives the server its event store; a threshold no picture reaches keeps it free of real events.
      { id: 'a', source: 'synthetic:64x48', motion: { sensitivity: 0.01, minArea: 0.99 } },
      { id: 'b', source: 'synthetic:64x48', motion: { sensitivity: 0.01, minArea: 0.99 } },
    ],
    fps: 10,
    auth: { adminToken: ADMIN },
    dataDir,
    events: { clipFormat: 'none' },
    // The matrix presents many refused credentials from one address.
    limits: { failedAuthPerMinute: 100_000, mutationsPerMinute: 100_000 },
  });
  const store = running.server.app.events!.store;
  store.insert(storedEvent('ev-a', 'a', dataDir));
  store.insert(storedEvent('ev-b', 'b', dataDir));
  const { url } = running;
  const outOfScope = await createToken(url, ['b'], ['VIEW', 'EVENTS', 'CONTROL']);
  const view = await createToken(url, ['a'], ['VIEW']);
  const events = await createToken(url, ['a'], ['EVENTS']);
  const control = await createToken(url, ['a'], ['CONTROL']);
  const revoked = await createToken(url, ['a'], ['VIEW', 'EVENTS', 'CONTROL']);
  const revokedAnswer = await gql(url, ADMIN, 'mutation ($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: revoked.id });
  if (!revokedAnswer.data?.['revokeAccessToken']) throw new Error(`revokeAccessToken failed: ${revokedAnswer.text}`);
  const expired = await createToken(url, ['a'], ['VIEW', 'EVENTS', 'CONTROL']);
  // Past its expiry: the store refuses to make one in the past, so its row is aged in the real database.
  running.server.app.access.database.db.prepare('UPDATE access_tokens SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, expired.id);
  const link = await gql(url, ADMIN, 'mutation ($input: CreateShareLinkInput!) { createShareLink(input: $input) { url } }', {
    input: { cameraId: 'a', label: 'for a friend', expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
  });
  const linkUrl = (link.data?.['createShareLink'] as { url: string } | undefined)?.url;
  if (!linkUrl) throw new Error(`createShareLink failed: ${link.text}`);
  const linkSecret = linkUrl.slice(SHARE_PATH.length);
  const secrets: Record<PrincipalName, string | undefined> = {
    none: undefined,
    expired: expired.secret,
    revoked: revoked.secret,
    outOfScope: outOfScope.secret,
    view: view.secret,
    events: events.secret,
    control: control.secret,
    admin: ADMIN,
    link: linkSecret,
  };
  return { running, dataDir, secrets, allSecrets: [outOfScope, view, events, control, revoked, expired].map((token) => token.secret).concat(linkSecret) };
}
