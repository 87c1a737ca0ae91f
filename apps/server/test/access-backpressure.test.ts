/**
 * A stream held for revocation (access/live.ts wraps its body) keeps the
 * backpressure of every stream: a stalled MJPEG client of a stored token
 * skips frames with about one part buffered, as backpressure.test.ts shows
 * for a role token, and its stream still closes when the token is revoked.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gql } from './helpers/access.ts';
import { closeAll, type Running, stalledHttpClient, startServer, until } from './helpers/clients.ts';

const ADMIN = 'adm-Wm4Tq8Rz2Lx6Pc9Vn3Kd';
let running: Running;

beforeAll(async () => {
  running = await startServer({ fps: 30, quality: 100, cameras: [{ id: 'cam', source: 'synthetic:1280x720@30' }], auth: { adminToken: ADMIN } });
});
afterAll(closeAll);

it('a stalled MJPEG client of a stored token skips frames with about one part buffered, and is closed on revocation', async () => {
  const made = await gql(running.url, ADMIN, 'mutation { createAccessToken(input: { label: "stalled", cameras: ["cam"], capabilities: [VIEW] }) { token { id } secret } }');
  const { token, secret } = made.data?.['createAccessToken'] as { token: { id: string }; secret: string };
  const stalled = await stalledHttpClient(running.url, '/cameras/cam/stream.mjpeg', { authorization: `Bearer ${secret}` });
  const before = running.server.stats().mjpeg.partsDropped;
  await until(() => running.server.stats().mjpeg.partsDropped > before + 30, 'parts dropped for the stalled client', 30_000);
  const buffered = running.server.stats().httpStreams.bufferedBytes;
  const frame = (await (await fetch(`${running.url}/cameras/cam/snapshot.jpg`, { headers: { authorization: `Bearer ${ADMIN}` } })).arrayBuffer()).byteLength;
  // One part being written to the stalled socket, one in the body's queue, one read by the wrapper: never a backlog.
  expect(buffered).toBeLessThan((frame + 200) * 4);
  const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
  stalled.resume();
  await gql(running.url, ADMIN, 'mutation ($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: token.id });
  // The stream ends at once, stalled socket or not: its camera consumer is released.
  await until(() => running.server.stats().mjpeg.clients === 0, 'the stalled client\'s stream released');
  stalled.destroy();
  await closed;
});
