/**
 * `/graphql` over HTTP and SSE: GraphiQL for a browser (routes/graphiql.ts),
 * signed in first, and every other request to Yoga with its body limited and
 * its caller in the context (security/plugins.ts).
 * @module
 */
import { GRAPHQL_PATH, type ServercamYoga } from '../schema/yoga.ts';
import { type Principal, unauthenticatedResponse } from '../security/auth.ts';
import { limitedRequest } from '../security/limits.ts';
import { PRINCIPAL_KEY } from '../security/plugins.ts';
import { graphiqlResponse, wantsGraphiQL } from './graphiql.ts';

/** The answer to a request on `/graphql` from `principal` (undefined: no credentials), its body at most `maxBodyBytes`. */
export async function graphqlRouteResponse(request: Request, principal: Principal | undefined, yoga: ServercamYoga, maxBodyBytes: number): Promise<Response> {
  // GraphiQL (Yoga's own test: a browser's GET); its headers, like every page's, come from the app's `fetch`.
  const page = wantsGraphiQL(request);
  if (!principal) {
    // A browser opening GraphiQL signs in first.
    if (page) return new Response(null, { status: 303, headers: { Location: `/sign-in?next=${encodeURIComponent(GRAPHQL_PATH)}`, 'Cache-Control': 'no-store' } });
    if (request.method !== 'OPTIONS') return unauthenticatedResponse(true);
  }
  // The page is a static asset: its CSP comes from the page, then it is encoded (routes/static-asset.ts).
  if (page) return graphiqlResponse(request);
  const limited = await limitedRequest(request, maxBodyBytes);
  if (limited instanceof Response) return limited;
  return yoga.fetch(limited, { [PRINCIPAL_KEY]: principal });
}
