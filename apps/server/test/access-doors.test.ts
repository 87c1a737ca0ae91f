/**
 * The door matrix (issue 16): every door (GraphQL fields over HTTP,
 * subscriptions over graphql-ws and SSE, every HTTP route) × every kind of
 * caller, each cell the expected answer, through the real transports of a
 * real server on a socket. Then: for an out-of-scope camera every door
 * answers exactly as for a camera that does not exist.
 *
 * Callers, in this order: none, expired, revoked, outOfScope (camera b with
 * view+events+control), view / events / control (camera a, that capability
 * only), admin (SERVERCAM_ADMIN_TOKEN's role), link (a share link to camera a).
 *
 * Answers: `401` (unauthenticated, or graphql-ws close 4401), `403`
 * (FORBIDDEN), an error code, or what the door gave (ids, values).
 */
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { typeDefs } from '@servercam/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_ACCESS } from '../src/access/scope.ts';
import { resolvers } from '../src/schema/resolvers.ts';
import { type AccessWorld, accessWorld, get, gql, type GraphQLAnswer, PRINCIPALS, sseOpen, wsConnect } from './helpers/access.ts';
import { closeAll, mjpegParts, next, until } from './helpers/clients.ts';

let world: AccessWorld;
beforeAll(async () => {
  world = await accessWorld();
}, 60_000);
afterAll(closeAll);

/** A GraphQL answer in one word: 401, 403, an error code, or `pick` of its data. */
function answer(result: GraphQLAnswer, pick: (data: Record<string, unknown>) => string): string {
  const code = result.errors?.[0]?.extensions?.code;
  if (result.status === 401 || code === 'UNAUTHENTICATED') return '401';
  if (code === 'FORBIDDEN') return '403';
  if (code) return code;
  return pick(result.data ?? {});
}

const ids = (list: unknown): string => (list as Array<{ id: string }>).map((item) => item.id).sort().join(',');

/** A subscription over graphql-ws: its first result in one word, or the close code when the connection is refused. */
async function wsFirst(secret: string | undefined, query: string, pick: (data: Record<string, unknown>) => string, trigger?: () => void): Promise<string> {
  const { client, closed, acked } = wsConnect(world.running.wsUrl, secret);
  try {
    if (!(await acked)) return String(await closed) === '4401' ? '401' : `close ${await closed}`;
    const iterator = client.iterate({ query });
    const poke = trigger ? setInterval(trigger, 100) : undefined;
    try {
      const result = await next(iterator, 10_000, 'a result');
      return answer({ status: 200, text: '', ...(result as object) } as GraphQLAnswer, pick);
    } catch (error) {
      // graphql-ws rejects the iteration with the operation's errors.
      const errors = error as ReadonlyArray<{ extensions?: { code?: string } }>;
      if (Array.isArray(errors)) return answer({ status: 200, text: '', errors } as GraphQLAnswer, pick);
      throw error;
    } finally {
      clearInterval(poke);
      await iterator.return?.();
    }
  } finally {
    await client.dispose();
  }
}

/** A subscription over SSE: its first event in one word (`401` for a refused request). */
async function sseFirst(secret: string | undefined, query: string, pick: (data: Record<string, unknown>) => string): Promise<string> {
  const controller = new AbortController();
  try {
    const { response, events } = await sseOpen(world.running.url, secret, query, {}, controller.signal);
    if (response.status === 401) return '401';
    if (!events) return answer({ status: response.status, text: '', ...((await response.json()) as object) } as GraphQLAnswer, pick);
    for await (const event of events) {
      if (event.event !== 'next') continue;
      return answer({ status: 200, text: '', ...(JSON.parse(event.data) as object) } as GraphQLAnswer, pick);
    }
    return 'ended';
  } finally {
    controller.abort();
  }
}

/** An HTTP route: its status (an MJPEG stream's first part is read first). */
async function route(secret: string | undefined, path: string): Promise<string> {
  const controller = new AbortController();
  try {
    const response = await get(`${world.running.url}${path}`, secret, { signal: controller.signal });
    if (response.status === 200 && path.endsWith('.mjpeg')) {
      await next(mjpegParts(response), 10_000, 'an MJPEG part');
    } else {
      await response.body?.cancel();
    }
    return String(response.status);
  } finally {
    controller.abort();
  }
}

/** A motion event change of camera a, published to `motionEvents` subscribers through the server's real hub. */
function publishMotion(): void {
  for (const id of ['ev-a', 'ev-b']) {
    const event = world.running.server.app.events!.store.get(id)!;
    world.running.server.app.eventHub.publish({ phase: 'end', event });
  }
}

/** A change of the shared settings by the admin (fps 10 and 11 in turn), for `streamSettings` subscribers. */
let fps = 10;
function bumpFps(): void {
  fps = fps === 10 ? 11 : 10;
  gql(world.running.url, world.secrets.admin, `mutation { updateStream(input: { fps: ${fps} }) { fps } }`).catch(() => {});
}

type Door = (secret: string | undefined) => Promise<string>;
const url = (): string => world.running.url;
const q = (query: string, pick: (data: Record<string, unknown>) => string): Door => async (secret) => answer(await gql(url(), secret, query), pick);

//                                          none   expired revoked outOfScope            view     events   control  admin                        link
const MATRIX: ReadonlyArray<readonly [string, Door, readonly string[]]> = [
  ['Query.cameras', q('{ cameras { id } }', (d) => ids(d['cameras'])), ['401', '401', '401', 'b', 'a', 'a', 'a', 'a,b', 'a']],
  ['Query.camera(a)', q('{ camera(id: "a") { id } }', (d) => String((d['camera'] as { id: string } | null)?.id ?? null)), ['401', '401', '401', 'null', 'a', 'a', 'a', 'a', 'a']],
  ['Query.stream.activeCameraId', q('{ stream { activeCameraId } }', (d) => JSON.stringify((d['stream'] as { activeCameraId: string }).activeCameraId)), ['401', '401', '401', '""', '"a"', '"a"', '"a"', '"a"', '403']],
  ['Query.snapshot(a)', q('{ snapshot(cameraId: "a") { cameraId } }', (d) => (d['snapshot'] as { cameraId: string }).cameraId), ['401', '401', '401', 'BAD_USER_INPUT', 'a', '403', '403', 'a', 'a']],
  ['Query.events', q('{ events { edges { node { id } } } }', (d) => ids((d['events'] as { edges: Array<{ node: unknown }> }).edges.map((edge) => edge.node))), ['401', '401', '401', 'ev-b', '403', 'ev-a', '403', 'ev-a,ev-b', '403']],
  ['Query.events(a)', q('{ events(cameraId: "a") { edges { node { id } } } }', (d) => ids((d['events'] as { edges: Array<{ node: unknown }> }).edges.map((edge) => edge.node))), ['401', '401', '401', 'BAD_USER_INPUT', '403', 'ev-a', '403', 'ev-a', '403']],
  ['Query.event(ev-a)', q('{ event(id: "ev-a") { id } }', (d) => String((d['event'] as { id: string } | null)?.id ?? null)), ['401', '401', '401', 'null', '403', 'ev-a', '403', 'ev-a', '403']],
  ['Query.viewer', q('{ viewer { capabilities cameras shareLink } }', (d) => {
    const viewer = d['viewer'] as { capabilities: string[]; cameras: string[]; shareLink: boolean };
    return `${viewer.capabilities.join(',')}@${viewer.cameras.join(',')}${viewer.shareLink ? '+link' : ''}`;
  }), ['401', '401', '401', 'VIEW,EVENTS,CONTROL@b', 'VIEW@a', 'EVENTS@a', 'CONTROL@a', 'VIEW,EVENTS,CONTROL,ADMIN@*', 'VIEW@a+link']],
  ['Query.accessTokens', q('{ accessTokens { id } }', () => 'ok'), ['401', '401', '401', '403', '403', '403', '403', 'ok', '403']],
  ['Query.shareLinks', q('{ shareLinks { id } }', () => 'ok'), ['401', '401', '401', '403', '403', '403', '403', 'ok', '403']],
  ['Mutation.updateStream(a)', q('mutation { updateStream(input: { activeCameraId: "a" }) { activeCameraId } }', (d) => (d['updateStream'] as { activeCameraId: string }).activeCameraId), ['401', '401', '401', 'BAD_USER_INPUT', '403', '403', 'a', 'a', '403']],
  ['Mutation.createAccessToken', q('mutation { createAccessToken(input: { label: "x", cameras: ["a"], capabilities: [VIEW] }) { token { id } } }', () => 'ok'), ['401', '401', '401', '403', '403', '403', '403', 'ok', '403']],
  ['Mutation.revokeShareLink', q('mutation { revokeShareLink(id: "no-such-link") { id } }', (d) => String(d['revokeShareLink'])), ['401', '401', '401', '403', '403', '403', '403', 'null', '403']],
  ['graphql-ws frames(a)', (secret) => wsFirst(secret, 'subscription { frames(cameraId: "a", maxWidth: 96) { cameraId } }', (d) => (d['frames'] as { cameraId: string }).cameraId), ['401', '401', '401', 'BAD_USER_INPUT', 'a', '403', '403', 'a', 'a']],
  ['graphql-ws video(a)', (secret) => wsFirst(secret, 'subscription { video(cameraId: "a", maxWidth: 96) { cameraId } }', (d) => (d['video'] as { cameraId: string }).cameraId), ['401', '401', '401', 'BAD_USER_INPUT', 'a', '403', '403', 'a', 'a']],
  ['graphql-ws motionEvents(a)', (secret) => wsFirst(secret, 'subscription { motionEvents(cameraId: "a") { event { id } } }', (d) => (d['motionEvents'] as { event: { id: string } }).event.id, publishMotion), ['401', '401', '401', 'BAD_USER_INPUT', '403', 'ev-a', '403', 'ev-a', '403']],
  // Changes of ev-a (camera a) then ev-b (camera b) are published: the first one each caller gets.
  ['graphql-ws motionEvents (all cameras)', (secret) => wsFirst(secret, 'subscription { motionEvents { event { id } } }', (d) => (d['motionEvents'] as { event: { id: string } }).event.id, publishMotion), ['401', '401', '401', 'ev-b', '403', 'ev-a', '403', 'ev-a', '403']],
  // The admin changes the fps until the subscriber sees a change: what it shows of the active camera (a).
  ['graphql-ws streamSettings', (secret) => wsFirst(secret, 'subscription { streamSettings { activeCameraId } }', (d) => JSON.stringify((d['streamSettings'] as { activeCameraId: string }).activeCameraId), bumpFps), ['401', '401', '401', '""', '"a"', '"a"', '"a"', '"a"', '403']],
  ['SSE frames(a)', (secret) => sseFirst(secret, 'subscription { frames(cameraId: "a", maxWidth: 96) { cameraId } }', (d) => (d['frames'] as { cameraId: string }).cameraId), ['401', '401', '401', 'BAD_USER_INPUT', 'a', '403', '403', 'a', 'a']],
  ['SSE video(a)', (secret) => sseFirst(secret, 'subscription { video(cameraId: "a", maxWidth: 96) { cameraId } }', (d) => (d['video'] as { cameraId: string }).cameraId), ['401', '401', '401', 'BAD_USER_INPUT', 'a', '403', '403', 'a', 'a']],
  ['SSE cameraStatus', async (secret) => {
    const controller = new AbortController();
    try {
      const { response } = await sseOpen(url(), secret, 'subscription { cameraStatus { id } }', {}, controller.signal);
      return response.status === 401 ? '401' : String(response.status);
    } finally {
      controller.abort();
    }
  }, ['401', '401', '401', '200', '200', '200', '200', '200', '200']],
  ['GET /cameras/a/snapshot.jpg', (secret) => route(secret, '/cameras/a/snapshot.jpg'), ['401', '401', '401', '404', '200', '403', '403', '200', '200']],
  ['GET /cameras/a/stream.mjpeg', (secret) => route(secret, '/cameras/a/stream.mjpeg?maxWidth=96'), ['401', '401', '401', '404', '200', '403', '403', '200', '200']],
  ['GET /cameras/a/stream.mp4', (secret) => route(secret, '/cameras/a/stream.mp4?maxWidth=96'), ['401', '401', '401', '404', '200', '403', '403', '200', '200']],
  ['GET /events/ev-a/snapshot.jpg', (secret) => route(secret, '/events/ev-a/snapshot.jpg'), ['401', '401', '401', '404', '403', '200', '403', '200', '403']],
  ['GET /auth/session', async (secret) => String(((await (await get(`${url()}/auth/session`, secret)).json()) as { role: string | null }).role), ['null', 'null', 'null', 'operator', 'viewer', 'viewer', 'operator', 'admin', 'viewer']],
  ['GET /healthz cameras', async (secret) => {
    const body = (await (await get(`${url()}/healthz`, secret)).json()) as { cameras?: Array<{ id: string }> };
    return body.cameras ? ids(body.cameras) : 'status only';
  }, ['status only', 'status only', 'status only', 'b', 'a', 'a', 'a', 'a,b', 'a']],
  ['GET / (the links page) cameras', async (secret) => {
    const page = await (await get(`${url()}/`, secret)).text();
    return ['a', 'b'].filter((id) => page.includes(`/cameras/${id}/`)).join(',') || 'none';
  }, ['none', 'none', 'none', 'b', 'a', 'a', 'a', 'a,b', 'a']],
];

describe('the door matrix', () => {
  it.each(MATRIX)('%s', async (_door, door, expected) => {
    const answers: Record<string, string> = {};
    for (const name of PRINCIPALS) answers[name] = await door(world.secrets[name]);
    expect(answers).toEqual(Object.fromEntries(PRINCIPALS.map((name, index) => [name, expected[index]])));
  });
});

/** The body of a door for camera `id`, with the id itself replaced, so that two cameras' answers compare. */
type Probe = (secret: string | undefined, id: string) => Promise<string>;
const text = async (response: Response): Promise<string> => `${response.status} ${response.headers.get('content-type')} ${await response.text()}`;
const graphqlText = (query: string): Probe => async (secret, id) => (await gql(url(), secret, query, { id })).text;

const SAME_AS_MISSING: ReadonlyArray<readonly [string, Probe, string]> = [
  ['Query.camera', graphqlText('query ($id: ID!) { camera(id: $id) { id } }'), 'zz'],
  ['Query.snapshot', graphqlText('query ($id: ID!) { snapshot(cameraId: $id) { cameraId } }'), 'zz'],
  ['Query.events', graphqlText('query ($id: ID!) { events(cameraId: $id) { totalCount } }'), 'zz'],
  ['Mutation.updateStream', graphqlText('mutation ($id: ID!) { updateStream(input: { activeCameraId: $id }) { paused } }'), 'zz'],
  ['Mutation.createShareLink', async (secret, id) => (await gql(url(), secret, 'mutation ($id: ID!, $at: DateTime!) { createShareLink(input: { cameraId: $id, label: "x", expiresAt: $at }) { url } }', { id, at: new Date(Date.now() + 60_000).toISOString() })).text, 'zz'],
  ['Query.event', graphqlText('query ($id: ID!) { event(id: $id) { id } }'), 'ev-zz'],
  ['SSE frames', async (secret, id) => {
    const controller = new AbortController();
    try {
      const { response, events } = await sseOpen(url(), secret, 'subscription ($id: ID) { frames(cameraId: $id) { seq } }', { id }, controller.signal);
      if (!events) return `${response.status} ${await response.text()}`;
      for await (const event of events) if (event.event === 'next') return `${response.status} ${event.data}`;
      return 'ended';
    } finally {
      controller.abort();
    }
  }, 'zz'],
  ['GET /cameras/:id/snapshot.jpg', async (secret, id) => text(await get(`${url()}/cameras/${id}/snapshot.jpg`, secret)), 'zz'],
  ['GET /cameras/:id/stream.mjpeg', async (secret, id) => text(await get(`${url()}/cameras/${id}/stream.mjpeg`, secret)), 'zz'],
  ['GET /cameras/:id/stream.mp4', async (secret, id) => text(await get(`${url()}/cameras/${id}/stream.mp4`, secret)), 'zz'],
  ['GET /events/:id/snapshot.jpg', async (secret, id) => text(await get(`${url()}/events/${id}/snapshot.jpg`, secret)), 'ev-zz'],
];

describe('an out-of-scope camera or event is answered as one that does not exist', () => {
  // The admin's answers for camera b, and those of the token of camera b for camera a (and event ev-a), are compared with a missing id.
  it.each(SAME_AS_MISSING)('%s', async (_door, probe, missing) => {
    const scoped = world.secrets.outOfScope;
    const hidden = missing.startsWith('ev-') ? 'ev-a' : 'a';
    const rawMissing = await probe(scoped, missing);
    const forHidden = (await probe(scoped, hidden)).replaceAll(`"${hidden}"`, '"X"').replaceAll(`\\"${hidden}\\"`, '\\"X\\"');
    const forMissing = rawMissing.replaceAll(`"${missing}"`, '"X"').replaceAll(`\\"${missing}\\"`, '\\"X\\"');
    expect(forHidden).toBe(forMissing);
    // And the answer names no camera it may not see: the hidden one's answer names "a" only where it echoes the id
    // asked for, since it equals the missing one's, which never names it (a list of "the configured cameras" would).
    expect(rawMissing).not.toMatch(/"a"|\\"a\\"/);
  });
});

describe('the shared settings', () => {
  it('show the active camera as "" to a token that does not reach it, over graphql-ws too', async () => {
    const { client, acked } = wsConnect(world.running.wsUrl, world.secrets.outOfScope);
    expect(await acked).toBe(true);
    const iterator = client.iterate<{ streamSettings: { activeCameraId: string; paused: boolean } }>({ query: 'subscription { streamSettings { activeCameraId paused } }' });
    const first = iterator.next();
    // A change made by the admin reaches the subscriber with the camera hidden.
    await gql(url(), world.secrets.admin, 'mutation { updateStream(input: { fps: 9 }) { fps } }');
    const { value } = await first;
    expect(value?.data?.streamSettings.activeCameraId).toBe('');
    await iterator.return?.();
    await client.dispose();
  });

  it('refuse a change from a control token whose scope does not hold the active camera', async () => {
    // Camera a is active; the out-of-scope token controls camera b only.
    const result = await gql(url(), world.secrets.outOfScope, 'mutation { updateStream(input: { fps: 8 }) { fps } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(world.running.server.stream.settings.fps).not.toBe(8);
  });

  it('give a token the active camera\'s frames only while that camera is in its scope', async () => {
    const { client, acked } = wsConnect(world.running.wsUrl, world.secrets.view);
    expect(await acked).toBe(true);
    const iterator = client.iterate<{ frames: { cameraId: string } }>({ query: 'subscription { frames(maxWidth: 96) { cameraId } }' });
    try {
      expect((await next(iterator, 10_000, 'a frame of the active camera a')).data?.frames.cameraId).toBe('a');
      const pending = iterator.next();
      // Camera b becomes active and captures; the token of camera a gets none of its frames.
      await gql(url(), world.secrets.admin, 'mutation { updateStream(input: { activeCameraId: "b" }) { activeCameraId } }');
      const seqOfB = async (): Promise<number> => ((await gql(url(), world.secrets.admin, '{ snapshot(cameraId: "b") { seq } }')).data?.['snapshot'] as { seq: number } | null)?.seq ?? 0;
      const first = await seqOfB();
      await until(async () => (await seqOfB()) > first + 2, 'camera b capturing');
      await gql(url(), world.secrets.admin, 'mutation { updateStream(input: { activeCameraId: "a" }) { activeCameraId } }');
      expect((await pending).value?.data?.frames.cameraId).toBe('a');
    } finally {
      await iterator.return?.();
      await client.dispose();
    }
  });
});

describe('an admin of some cameras', () => {
  const make = (secret: string, cameras: string[], capabilities: string[]) =>
    gql(url(), secret, 'mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token { id cameras } secret } }', { input: { label: 'made by a scoped admin', cameras, capabilities } });

  it('grants no more than it holds, and sees and revokes only tokens within its cameras', async () => {
    const scoped = ((await make(world.secrets.admin!, ['a'], ['ADMIN', 'VIEW'])).data?.['createAccessToken'] as { secret: string }).secret;
    expect((await make(scoped, ['*'], ['VIEW'])).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await make(scoped, ['a'], ['EVENTS'])).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await make(scoped, ['b'], ['VIEW'])).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await make(scoped, ['a'], ['VIEW'])).data?.['createAccessToken']).toMatchObject({ token: { cameras: ['a'] } });

    const all = (await gql(url(), world.secrets.admin, '{ accessTokens { id cameras } }')).data?.['accessTokens'] as Array<{ id: string; cameras: string[] }>;
    const seen = (await gql(url(), scoped, '{ accessTokens { id cameras } }')).data?.['accessTokens'] as Array<{ id: string; cameras: string[] }>;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((token) => token.cameras.every((camera) => camera === 'a'))).toBe(true);
    const ofB = all.find((token) => token.cameras.includes('b'))!;
    expect((await gql(url(), scoped, 'mutation ($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: ofB.id })).data).toEqual({ revokeAccessToken: null });
    // The token of camera b still works.
    expect((await gql(url(), world.secrets.outOfScope, '{ cameras { id } }')).data).toEqual({ cameras: [{ id: 'b' }] });
  });
});

describe('the field table', () => {
  it('names every root field of the schema, and nothing else (a new field must say what it needs)', () => {
    const schema = buildSchema(typeDefs);
    for (const type of ['Query', 'Mutation', 'Subscription'] as const) {
      const fields = Object.keys(schema.getType(type) ? (schema.getType(type) as GraphQLObjectType).getFields() : {}).sort();
      expect(Object.keys(FIELD_ACCESS[type]).sort(), type).toEqual(fields);
      // Each has a resolver of its own, so the guard wraps it (a default resolver would be unguarded).
      expect(Object.keys(resolvers[type] as object).sort(), type).toEqual(fields);
    }
  });
});

describe('a share link', () => {
  it('is refused once its camera, expiry, id or MAC is changed', async () => {
    const link = world.secrets.link!;
    const [prefix, id, camera, expires, mac] = link.split('.') as [string, string, string, string, string];
    expect(`${prefix}.`).toBe('scl1.');
    expect(camera).toBe('a');
    const forged = [
      [prefix, id, 'b', expires, mac],
      [prefix, id, camera, String(Number(expires) + 86_400), mac],
      [prefix, `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`, camera, expires, mac],
      [prefix, id, camera, expires, `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`],
      ['scl2', id, camera, expires, mac],
    ].map((parts) => parts.join('.'));
    expect((await get(`${url()}/cameras/a/snapshot.jpg`, link)).status).toBe(200);
    for (const token of forged) {
      expect((await get(`${url()}/cameras/a/snapshot.jpg`, token)).status, token).toBe(401);
      expect((await get(`${url()}/cameras/b/snapshot.jpg`, token)).status, token).toBe(401);
    }
  });

  it('signs the UI in to a session of that camera only, whose cookie cannot be turned into another', async () => {
    const signIn = await fetch(`${url()}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: world.secrets.link }) });
    expect(await signIn.json()).toMatchObject({ role: 'viewer', capabilities: ['VIEW'], cameras: ['a'], shareLink: true });
    const setCookie = signIn.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly; SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const withCookie = (value: string, path: string): Promise<Response> => fetch(`${url()}${path}`, { headers: { cookie: value } });
    expect((await withCookie(cookie, '/cameras/a/snapshot.jpg')).status).toBe(200);
    expect((await withCookie(cookie, '/cameras/b/snapshot.jpg')).status).toBe(404);
    const viewer = await fetch(`${url()}/graphql`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ cameras { id } }' }) });
    expect(await viewer.json()).toEqual({ data: { cameras: [{ id: 'a' }] } });
    // The cookie names the link (`v3.l.<id>…`): pointing it at a token, or at another id, breaks its MAC.
    expect(cookie).toMatch(/^servercam_session=v3\.l\./);
    for (const forged of [cookie.replace('=v3.l.', '=v3.t.'), cookie.replace(/=v3\.l\.[^.]+\./, '=v3.l.AAAAAAAAAAAAAAAA.')]) {
      expect((await withCookie(forged, '/cameras/a/snapshot.jpg')).status).toBe(401);
    }
  });
});
