/**
 * Malformed GraphQL request parameters are the client's fault: Yoga parses
 * `variables` and `extensions` of a GET query string (and of a form-encoded
 * POST) with a bare `JSON.parse`, whose `SyntaxError` it would answer with a
 * 500. {@link useBadParamsAs400} turns it into a 400 `BAD_REQUEST`.
 * @module
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** The 400 (with no `originalError`: Yoga would mask it as an unexpected error). */
export function badParamsError(): GraphQLError {
  return new GraphQLError('Bad request: "variables" and "extensions" must be JSON', {
    extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
  });
}

/** Wraps whatever request parser Yoga picked: a `SyntaxError` from it is a 400. */
export function useBadParamsAs400(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (error instanceof SyntaxError) throw badParamsError();
          throw error;
        }
      });
    },
  };
}
