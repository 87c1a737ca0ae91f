/**
 * The audit trail: a scripted session against a real `servercam serve`
 * (trace logging) leaves exactly its rows in `auditLog`, newest first, and no
 * presented secret shows in the server's output, the rows or any GraphQL
 * answer; retention deletes old rows; a flood of failures from many addresses
 * adds a bounded number of rows.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { type CliProcess, freePort, startCli } from '@servercam/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerDatabase } from '../src/access/database.ts';
import { AuditLog } from '../src/audit/log.ts';
import { gql, sseOpen, wsConnect } from './helpers/access.ts';
import { closeAll, startServer, until } from './helpers/clients.ts';
import { tempDir } from './helpers/media.ts';

const children: CliProcess[] = [];
afterAll(async () => {
  await closeAll();
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
});

const ADMIN = 'adm-Vb7Qz2Lx9Kt4Wm8Rp3Hn';
const OPERATOR = 'op-Jd5Ns8Yc2Pf7Tg4Xk9Lw';
const WRONG = ['wrong-Hq3Zm8Vr2Lb6Kt9Xp4', 'wrong-Cn7Wd2Fs9Jg4Ry8Qm3', 'wrong-Tb5Kx8Pz3Mv7Ld2Sh6'] as const;
const AUDIT_QUERY = '{ auditLog(first: 50) { totalCount edges { cursor node { id at action principal address cameraId detail count } } pageInfo { hasNextPage endCursor } } }';

interface Row {
  action: string;
  principal: string | null;
  address: string | null;
  cameraId: string | null;
  detail: string | null;
  count: number;
}

describe('the audit trail', () => {
  it('holds the rows of a scripted session, in order, and no secret shows anywhere', async () => {
    const dataDir = mkdtempSync(join(tempDir, 'audit-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startCli(
      ['serve', '--port', String(port), '--camera', 'cam=synthetic:64x48', '--isolation', 'worker', '--log-level', 'trace', '--data-dir', dataDir],
      url,
      { env: { SERVERCAM_ADMIN_TOKEN: ADMIN, SERVERCAM_OPERATOR_TOKEN: OPERATOR }, token: ADMIN, ready: (status) => status === 200 },
    );
    children.push(server);
    const answers: string[] = [];

    // 1. A wrong bearer token over HTTP, then over SSE: one reason, one address, one row counting 2.
    answers.push((await gql(url, WRONG[0], '{ cameras { id } }')).text);
    const abort = new AbortController();
    const sse = await sseOpen(url, WRONG[0], 'subscription { cameraStatus { id } }', {}, abort.signal);
    answers.push(await sse.response.text());
    abort.abort();
    // 2. A wrong token over graphql-ws.
    const ws = wsConnect(`ws://127.0.0.1:${port}/graphql`, WRONG[1]);
    expect(await ws.closed).toBe(4401);
    // 3. A wrong sign-in, then a right one.
    const signIn = (token: string) => fetch(`${url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    const refused = await signIn(WRONG[2]);
    expect(refused.status).toBe(401);
    answers.push(await refused.text());
    const signedIn = await signIn(OPERATOR);
    expect(signedIn.status).toBe(200);
    answers.push(await signedIn.text());
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    // 4. A settings change by the signed-in operator.
    const changed = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ query: 'mutation { updateStream(input: { fps: 5 }) { fps } }' }),
    });
    answers.push(await changed.text());
    expect(JSON.parse(answers.at(-1)!)).toEqual({ data: { updateStream: { fps: 5 } } });
    // 5. A token created and revoked by the admin.
    const made = await gql(url, ADMIN, 'mutation { createAccessToken(input: { label: "tablet", cameras: ["cam"], capabilities: [VIEW] }) { token { id } secret } }');
    const { token: { id: tokenId }, secret: madeSecret } = made.data!['createAccessToken'] as { token: { id: string }; secret: string };
    answers.push((await gql(url, ADMIN, `mutation { revokeAccessToken(id: "${tokenId}") { id } }`)).text);
    // 6. Sign-out.
    const signOut = await fetch(`${url}/auth/session`, { method: 'DELETE', headers: { cookie } });
    expect(signOut.status).toBe(200);
    answers.push(await signOut.text());

    const log = await gql(url, ADMIN, AUDIT_QUERY);
    answers.push(log.text);
    const connection = log.data!['auditLog'] as { totalCount: number; edges: Array<{ node: Row }> };
    const rows = connection.edges.map(({ node }) => ({ action: node.action, principal: node.principal, address: node.address, cameraId: node.cameraId, detail: node.detail, count: node.count }));
    const local = '127.0.0.1';
    expect(rows).toEqual([
      { action: 'SIGN_OUT', principal: 'role:operator', address: local, cameraId: null, detail: null, count: 1 },
      { action: 'TOKEN_REVOKED', principal: 'role:admin', address: local, cameraId: null, detail: JSON.stringify({ id: tokenId, label: 'tablet' }), count: 1 },
      { action: 'TOKEN_CREATED', principal: 'role:admin', address: local, cameraId: null, detail: JSON.stringify({ id: tokenId, label: 'tablet' }), count: 1 },
      { action: 'SETTINGS_CHANGED', principal: 'role:operator', address: local, cameraId: 'cam', detail: JSON.stringify({ fps: { from: 10, to: 5 } }), count: 1 },
      { action: 'SIGN_IN', principal: 'role:operator', address: local, cameraId: null, detail: null, count: 1 },
      { action: 'AUTH_FAILED', principal: null, address: local, cameraId: null, detail: 'wrong, revoked or expired token (sign-in)', count: 1 },
      { action: 'AUTH_FAILED', principal: null, address: local, cameraId: null, detail: 'wrong, revoked or expired token (graphql-ws)', count: 1 },
      { action: 'AUTH_FAILED', principal: null, address: local, cameraId: null, detail: 'wrong, revoked or expired bearer token', count: 2 },
    ]);
    expect(connection.totalCount).toBe(rows.length);

    // Admin only: an operator is refused, and the refusal holds no row.
    const forbidden = await gql(url, OPERATOR, AUDIT_QUERY);
    answers.push(forbidden.text);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await server.stop('SIGTERM');
    const output = server.output();
    expect(output.length).toBeGreaterThan(1000);
    const cookieValue = cookie.slice(cookie.indexOf('=') + 1);
    const rowText = JSON.stringify(rows);
    for (const secret of [...WRONG, ADMIN, OPERATOR, madeSecret, cookieValue]) {
      expect(output, 'server output').not.toContain(secret);
      expect(rowText, 'audit rows').not.toContain(secret);
    }
    // The created token's secret shows in the one answer that made it, no other.
    for (const secret of [...WRONG, ADMIN, OPERATOR, madeSecret]) expect(answers.join('\n'), 'GraphQL answers').not.toContain(secret);
  });

  it('pages newest first with cursors', async () => {
    const { url } = await startServer({ auth: { adminToken: ADMIN } });
    for (const wrong of WRONG) await gql(url, `${wrong}-x`, '{ cameras { id } }');
    await fetch(`${url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
    const first = await gql(url, ADMIN, '{ auditLog(first: 1) { edges { cursor node { action } } pageInfo { hasNextPage endCursor } } }');
    const page1 = first.data!['auditLog'] as { edges: Array<{ node: { action: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page1.edges.map((edge) => edge.node.action)).toEqual(['SIGN_IN']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await gql(url, ADMIN, `{ auditLog(first: 5, after: "${page1.pageInfo.endCursor}") { edges { node { action count } } pageInfo { hasNextPage } } }`);
    expect(second.data).toEqual({ auditLog: { edges: [{ node: { action: 'AUTH_FAILED', count: 3 } }], pageInfo: { hasNextPage: false } } });
  });

  it('records a token expiring, with no principal', async () => {
    const { url } = await startServer({ auth: { adminToken: ADMIN } });
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const made = await gql(url, ADMIN, `mutation { createAccessToken(input: { label: "brief", cameras: ["*"], capabilities: [VIEW], expiresAt: "${expiresAt}" }) { token { id } } }`);
    const id = (made.data!['createAccessToken'] as { token: { id: string } }).token.id;
    const actions = async (): Promise<string[]> => {
      const log = await gql(url, ADMIN, '{ auditLog { edges { node { action principal detail } } } }');
      return (log.data!['auditLog'] as { edges: Array<{ node: { action: string; principal: string | null; detail: string } }> }).edges
        .filter(({ node }) => node.detail === JSON.stringify({ id, label: 'brief' }))
        .map(({ node }) => `${node.action} ${node.principal ?? '-'}`);
    };
    await until(async () => (await actions()).length === 2, 'the expiry row');
    expect(await actions()).toEqual(['TOKEN_EXPIRED -', 'TOKEN_CREATED role:admin']);
  });

  it('records a share link expiring, with no principal', async () => {
    const { url } = await startServer({ auth: { adminToken: ADMIN } });
    // A link's expiry is kept to the second and must be in the future: 2.5 s leaves at least one.
    const expiresAt = new Date(Date.now() + 2500).toISOString();
    const made = await gql(url, ADMIN, `mutation { createShareLink(input: { cameraId: "synthetic", label: "brief link", expiresAt: "${expiresAt}" }) { link { id } } }`);
    const id = (made.data!['createShareLink'] as { link: { id: string } }).link.id;
    const actions = async (): Promise<string[]> => {
      const log = await gql(url, ADMIN, '{ auditLog { edges { node { action principal cameraId detail } } } }');
      return (log.data!['auditLog'] as { edges: Array<{ node: { action: string; principal: string | null; cameraId: string | null; detail: string } }> }).edges
        .filter(({ node }) => node.detail === JSON.stringify({ id, label: 'brief link' }))
        .map(({ node }) => `${node.action} ${node.principal ?? '-'} ${node.cameraId}`);
    };
    await until(async () => (await actions()).length === 2, 'the expiry row');
    expect(await actions()).toEqual(['LINK_EXPIRED - synthetic', 'LINK_CREATED role:admin synthetic']);
  });

  it('refuses a cursor that is not one of its own', async () => {
    const { url } = await startServer({ auth: { adminToken: ADMIN } });
    const answer = await gql(url, ADMIN, '{ auditLog(after: "1 OR 1=1") { totalCount } }');
    expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('deletes rows past the retention, at start', () => {
    const dataDir = mkdtempSync(join(tempDir, 'audit-retention-'));
    const day = 86_400_000;
    const now = Date.now();
    {
      using database = ServerDatabase.open(dataDir);
      const log = new AuditLog(database, { retentionDays: 90 });
      log.record({ action: 'SIGN_IN', principal: 'role:admin', detail: 'ten days old' }, now - 10 * day);
      log.record({ action: 'SIGN_IN', principal: 'role:admin', detail: 'two days old' }, now - 2 * day);
      log.record({ action: 'SIGN_IN', principal: 'role:admin', detail: 'new' }, now);
      log.close();
    }
    using database = ServerDatabase.open(dataDir);
    const log = new AuditLog(database, { retentionDays: 3 });
    expect(log.list({ first: 10 }).entries.map((entry) => entry.detail)).toEqual(['new', 'two days old']);
    log.close();
  });

  it('adds a bounded number of rows under a flood of failures from many addresses', async () => {
    const { url, server } = await startServer({ auth: { adminToken: ADMIN }, trustedProxies: ['127.0.0.1'], limits: { failedAuthPerMinute: 1000 } });
    const addresses = Array.from({ length: 250 }, (_, index) => `198.51.100.${index + 1}`);
    let sent = 0;
    for (let round = 0; round < 2; round++) {
      for (let start = 0; start < addresses.length; start += 25) {
        await Promise.all(addresses.slice(start, start + 25).map(async (address) => {
          const response = await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer flood-${address}-Kq8Lz3`, 'x-forwarded-for': address },
            body: '{"query":"{ cameras { id } }"}',
          });
          await response.body?.cancel();
          sent++;
        }));
      }
    }
    server.app.audit.log.flush();
    const { entries, totalCount } = server.app.audit.log.list({ first: 500 });
    // 100 addresses get a row each, the rest share one ("*"); a minute boundary during the run could double that, never more.
    expect(totalCount).toBeLessThanOrEqual(2 * 101);
    expect(entries.some((entry) => entry.address === '*')).toBe(true);
    expect(entries.reduce((sum, entry) => sum + entry.count, 0)).toBe(sent);
  });
});
