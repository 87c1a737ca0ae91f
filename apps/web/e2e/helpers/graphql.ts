/**
 * GraphQL from the test process, to set the server's shared settings up
 * between tests, through the app's own typed HTTP client.
 * @module
 */
import { StreamSettingsDocument, UpdateStreamDocument, type StreamSettingsInput } from '@servercam/schema/client';
import { request } from '../../src/lib/graphql/http.ts';

export async function updateStream(url: string, input: StreamSettingsInput) {
  return (await request(`${url}/graphql`, UpdateStreamDocument, { input })).updateStream;
}

export async function streamSettings(url: string) {
  return (await request(`${url}/graphql`, StreamSettingsDocument, {})).stream;
}
