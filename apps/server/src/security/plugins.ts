/**
 * The Yoga plugins of the security layer. Each is a `useXxx()` plugin, run
 * over every transport (HTTP, SSE and graphql-ws all go through Yoga's envelop).
 *
 * - {@link useRoles}: a mutation of a caller with neither `control` nor `admin` gets `FORBIDDEN`; an operation with no caller,
 *   `UNAUTHENTICATED`. Which camera and which field a caller may reach is access/scope.ts's, per field.
 * - `useOperationLimits` (operation-limits.ts): tokens, depth, aliases and fields (`QUERY_TOO_COMPLEX`).
 * - {@link useMutationRateLimit}: mutations per minute per client address (`RATE_LIMITED`).
 * @module
 */
import { type DocumentNode, getOperationAST, type OperationTypeNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { forbidden } from '../access/scope.ts';
import { type Principal, unauthenticatedError } from './auth.ts';
import { RateLimiter, rateLimited } from './limits.ts';

export { useOperationLimits } from './operation-limits.ts';

/** The context key under which the HTTP route hands Yoga the caller. */
export const PRINCIPAL_KEY = 'servercamPrincipal';

/** The callers of graphql-ws connections, by the connection's `extra` object. */
const wsPrincipals = new WeakMap<object, Principal>();

/** Records the caller of a graphql-ws connection (its context's `extra`). */
export function setConnectionPrincipal(extra: object, principal: Principal): void {
  wsPrincipals.set(extra, principal);
}

/** The caller of an operation, from its Yoga context (HTTP server context or graphql-ws `extra`). */
export function principalOf(context: unknown): Principal | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const record = context as Record<string, unknown>;
  const direct = record[PRINCIPAL_KEY];
  if (direct && typeof direct === 'object') return direct as Principal;
  const extra = record['extra'];
  return extra && typeof extra === 'object' ? wsPrincipals.get(extra) : undefined;
}

function operationType(document: DocumentNode, operationName: string | null | undefined): OperationTypeNode | undefined {
  return getOperationAST(document, operationName ?? undefined)?.operation;
}

/** Mutations need the control or admin capability (each field checks its own: access/scope.ts); every operation needs a caller. */
export function useRoles(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const principal = principalOf(args.contextValue);
      if (!principal) return setResultAndStopExecution({ errors: [unauthenticatedError()] });
      const { capabilities } = principal.grant;
      if (operationType(args.document, args.operationName) === 'mutation' && !capabilities.has('control') && !capabilities.has('admin')) {
        setResultAndStopExecution({ errors: [forbidden('changing the stream settings needs the control capability (the operator role)')] });
      }
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (!principalOf(args.contextValue)) setResultAndStopExecution({ errors: [unauthenticatedError()] });
    },
  };
}

/** At most `perMinute` mutations a minute per client address (a short burst allowed). */
export function useMutationRateLimit(perMinute: number): Plugin {
  const limiter = new RateLimiter(perMinute);
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (operationType(args.document, args.operationName) !== 'mutation') return;
      const key = principalOf(args.contextValue)?.address ?? 'unknown';
      if (!limiter.take(key)) setResultAndStopExecution({ errors: [rateLimited(perMinute)] });
    },
  };
}
