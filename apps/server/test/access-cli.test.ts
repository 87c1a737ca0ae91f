/**
 * `servercam token create|list|revoke` as real processes on a data
 * directory, a `servercam serve` on that directory honouring the tokens, and
 * secrets that never appear: not in the server's output (debug logging), not
 * in any GraphQL answer but the one that made them, not in the database.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliProcess, freePort, spawnCli, startCli } from '@servercam/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARE_PATH } from '../src/access/share-links.ts';
import { gql, wsConnect } from './helpers/access.ts';
import { closeAll, mjpegParts, next, startServer } from './helpers/clients.ts';
import { tempDir } from './helpers/media.ts';

const children: CliProcess[] = [];
afterAll(async () => {
  await closeAll();
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
});

/** Runs `servercam token ARGS` to its end. */
async function token(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(['token', ...args]);
  children.push(cli);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('servercam token', () => {
  const dataDir = mkdtempSync(join(tempDir, 'token-cli-'));

  it('creates a token and prints its secret once, on the last line', async () => {
    const created = await token(['create', '--label', 'kitchen-tablet', '--camera', 'kitchen', '--can', 'view', '--expires', '30d', '--data-dir', dataDir]);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim().split('\n').at(-1)!;
    expect(secret).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect(created.stdout.split(secret).length).toBe(2);
    expect(created.stdout).toMatch(/kitchen-tablet {2}cameras: kitchen {2}can: view {2}expires: \d{4}-/);
  });

  it('lists the tokens without their secrets, and revokes one by id', async () => {
    const created = await token(['create', '--label', 'porch', '--camera', 'porch', '--camera', 'yard', '--can', 'view', '--can', 'events', '--data-dir', dataDir, '--json']);
    const { token: made, secret } = JSON.parse(created.stdout) as { token: { id: string }; secret: string };
    const listed = await token(['list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${made.id}  porch  cameras: porch,yard  can: view,events  expires: never`);
    expect(listed.stdout).not.toContain(secret);
    const revoked = await token(['revoke', made.id, '--data-dir', dataDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await token(['list', '--data-dir', dataDir])).stdout).not.toContain(made.id);
    const again = await token(['revoke', made.id, '--data-dir', dataDir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`No token "${made.id}"`);
  });

  it('records a token created and revoked with the CLI in the audit log, by "cli"', async () => {
    const auditDir = mkdtempSync(join(tempDir, 'token-audit-'));
    const created = await token(['create', '--label', 'porch', '--camera', 'porch', '--data-dir', auditDir, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { id } = (JSON.parse(created.stdout) as { token: { id: string } }).token;
    const revoked = await token(['revoke', id, '--data-dir', auditDir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const admin = 'adm-Rz4Kw8Nq2Ls6Xt9Vb3Mj';
    const { url } = await startServer({ auth: { adminToken: admin }, dataDir: auditDir });
    const log = await gql(url, admin, '{ auditLog { edges { node { action principal address detail } } } }');
    const rows = (log.data?.['auditLog'] as { edges: Array<{ node: unknown }> }).edges.map(({ node }) => node);
    const detail = JSON.stringify({ id, label: 'porch' });
    expect(rows).toEqual([
      { action: 'TOKEN_REVOKED', principal: 'cli', address: null, detail },
      { action: 'TOKEN_CREATED', principal: 'cli', address: null, detail },
    ]);
  });

  it.each([
    [['create', '--label', 'x', '--can', 'fly'], '--can'],
    [['create', '--label', 'x', '--camera', 'no spaces'], '--camera'],
    [['create', '--label', 'x', '--expires', 'soon'], '--expires'],
    [['create', '--camera', 'a'], '--label'],
    [['revoke'], 'token id'],
  ])('refuses %j with exit code 2 naming %s', async (args, named) => {
    const result = await token([...args, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
  });
});

describe('a server on the data directory', () => {
  it('honours a token made by the CLI, and no secret shows in its output, GraphQL answers or database', async () => {
    const dataDir = mkdtempSync(join(tempDir, 'token-serve-'));
    const created = await token(['create', '--label', 'kitchen', '--camera', 'kitchen', '--can', 'view', '--data-dir', dataDir, '--json']);
    const cliSecret = (JSON.parse(created.stdout) as { secret: string }).secret;
    const admin = 'adm-Lq8Zt3Vw9Kp2Xr7Nb5Hs';
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = await startCli(
      ['serve', '--port', String(port), '--camera', 'kitchen=synthetic:64x48', '--camera', 'hall=synthetic:64x48', '--isolation', 'worker', '--log-level', 'trace', '--data-dir', dataDir],
      url,
      { env: { SERVERCAM_ADMIN_TOKEN: admin }, token: admin, ready: (status) => status === 200 },
    );
    children.push(server);
    // The CLI's token, on every transport.
    expect((await gql(url, cliSecret, '{ cameras { id } }')).data).toEqual({ cameras: [{ id: 'kitchen' }] });
    const snapshot = await fetch(`${url}/cameras/kitchen/snapshot.jpg`, { headers: { authorization: `Bearer ${cliSecret}` } });
    expect(snapshot.status).toBe(200);
    const abort = new AbortController();
    const mjpeg = await fetch(`${url}/cameras/kitchen/stream.mjpeg`, { headers: { authorization: `Bearer ${cliSecret}` }, signal: abort.signal });
    await next(mjpegParts(mjpeg), 10_000, 'an MJPEG part');
    abort.abort();
    const ws = wsConnect(`ws://127.0.0.1:${port}/graphql`, cliSecret);
    expect(await ws.acked).toBe(true);
    await ws.client.dispose();

    // Tokens and a link made through GraphQL: their secrets come in those answers only.
    const made = await gql(url, admin, 'mutation { createAccessToken(input: { label: "hall", cameras: ["hall"], capabilities: [VIEW, EVENTS] }) { token { id } secret } }');
    const gqlSecret = (made.data?.['createAccessToken'] as { secret: string }).secret;
    const link = await gql(url, admin, `mutation { createShareLink(input: { cameraId: "hall", label: "guest", expiresAt: "${new Date(Date.now() + 600_000).toISOString()}" }) { url } }`);
    const linkSecret = (link.data?.['createShareLink'] as { url: string }).url.slice(SHARE_PATH.length);
    const secrets = [cliSecret, gqlSecret, linkSecret, admin];
    // Each is used, signs in, and (the token) fails after revocation: every path that could log it.
    const signIn = await fetch(`${url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: linkSecret }) });
    expect(signIn.status).toBe(200);
    const answers: string[] = [await signIn.text(), signIn.headers.get('set-cookie') ?? ''];
    for (const secret of secrets) {
      answers.push((await gql(url, secret, '{ viewer { capabilities cameras shareLink expiresAt } cameras { id label } }')).text);
      answers.push(await (await fetch(`${url}/auth/session`, { headers: { authorization: `Bearer ${secret}` } })).text());
      answers.push(await (await fetch(`${url}/healthz`, { headers: { authorization: `Bearer ${secret}` } })).text());
    }
    answers.push((await gql(url, admin, '{ accessTokens { id label cameras capabilities createdAt expiresAt lastUsedAt } shareLinks { id cameraId label createdAt expiresAt } }')).text);
    const hallId = (made.data?.['createAccessToken'] as { token: { id: string } }).token.id;
    answers.push((await gql(url, admin, `mutation { revokeAccessToken(id: "${hallId}") { id label cameras } }`)).text);
    answers.push((await gql(url, gqlSecret, '{ cameras { id } }')).text);
    answers.push(await (await fetch(`${url}/cameras/hall/snapshot.jpg`, { headers: { authorization: `Bearer ${gqlSecret}` } })).text());
    await server.stop('SIGTERM');

    const output = server.output();
    expect(output.length).toBeGreaterThan(1000);
    const database = readdirSync(dataDir).filter((file) => file.startsWith('servercam.db')).map((file) => readFileSync(join(dataDir, file)).toString('latin1')).join('');
    expect(database).toContain('kitchen');
    for (const secret of secrets) {
      expect(output, 'server output').not.toContain(secret);
      expect(answers.join('\n'), 'answers').not.toContain(secret);
      // Only hashes are kept (the admin token is not kept at all).
      expect(database, 'database').not.toContain(secret);
      // Not even the random part of a link or token alone.
      const tail = secret.slice(-20);
      expect(output + answers.join('\n') + database).not.toContain(tail);
    }
  });
});

describe('the data directory', () => {
  it('keeps the shared settings across a restart of serve with no --state-file', async () => {
    const dataDir = mkdtempSync(join(tempDir, 'state-default-'));
    const start = async (): Promise<{ cli: CliProcess; url: string }> => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const cli = await startCli(['serve', '--port', String(port), '--camera', 'a=synthetic:64x48', '--camera', 'b=synthetic:64x48', '--isolation', 'worker', '--log-level', 'warn', '--data-dir', dataDir], url, { ready: (status) => status === 200 });
      children.push(cli);
      return { cli, url };
    };
    const first = await start();
    const changed = await gql(first.url, undefined, 'mutation { updateStream(input: { activeCameraId: "b", fps: 7 }) { activeCameraId fps } }');
    expect(changed.data).toEqual({ updateStream: { activeCameraId: 'b', fps: 7 } });
    expect((await first.cli.stop()).code).toBe(0);
    expect(readdirSync(dataDir).sort()).toEqual(expect.arrayContaining(['servercam.db', 'state.json']));
    const second = await start();
    expect((await gql(second.url, undefined, '{ stream { activeCameraId fps } }')).data).toEqual({ stream: { activeCameraId: 'b', fps: 7 } });
    await second.cli.stop();
  });
});
