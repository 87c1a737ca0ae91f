/** The events API's argument checks and its answers without motion detection, in process. */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Servercam } from '../src/server.ts';
import { tempDir } from './helpers/media.ts';

const servers: Servercam[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function graphql(server: Servercam, query: string, variables: Record<string, unknown> = {}) {
  const response = await server.fetch(new Request('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  }));
  return (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string; argument?: string } }> };
}

function server(withMotion: boolean): Servercam {
  const created = createServer({
    paused: true,
    uiDir: false,
    dataDir: mkdtempSync(join(tempDir, 'gql-')),
    cameras: [{ id: 'yard', source: 'synthetic:160x120', ...(withMotion ? { motion: {} } : {}) }],
  });
  servers.push(created);
  return created;
}

describe('events over GraphQL', () => {
  it.each([
    [{ first: 201 }, 'first'],
    [{ first: -1 }, 'first'],
    [{ after: 'not-a-cursor' }, 'after'],
    [{ cameraId: 'garage' }, 'cameraId'],
  ])('refuses %j with BAD_USER_INPUT naming the argument', async (variables, argument) => {
    const result = await graphql(
      server(true),
      'query ($cameraId: ID, $first: Int, $after: String, $since: DateTime) { events(cameraId: $cameraId, first: $first, after: $after, since: $since) { totalCount } }',
      variables,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('refuses a since that is not a date and time, naming the variable', async () => {
    const result = await graphql(server(true), 'query ($since: DateTime) { events(since: $since) { totalCount } }', { since: 'yesterday' });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]?.message).toMatch(/\$since.*DateTime cannot represent yesterday/);
  });

  it('says which cameras detect motion', async () => {
    const result = await graphql(server(true), '{ cameras { id motion motionDetection } }');
    expect(result.data).toEqual({ cameras: [{ id: 'yard', motion: false, motionDetection: true }] });
  });

  it('answers an empty page and no event when no camera detects motion', async () => {
    const result = await graphql(server(false), '{ events { edges { cursor } pageInfo { hasNextPage endCursor } totalCount } event(id: "x") { id } cameras { motionDetection } }');
    expect(result.data).toEqual({
      events: { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 },
      event: null,
      cameras: [{ motionDetection: false }],
    });
  });
});
