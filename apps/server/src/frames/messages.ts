/**
 * A `frames` (or `video`) subscription's messages, made once per frame (or
 * chunk) and selection: the
 * operation's selection set is executed over the frame once (graphql's own
 * `execute`, so aliases, fragments, `@include`/`@skip` and `__typename` come
 * out exactly as on the normal path, and unselected fields do not appear), the
 * result is turned into JSON once, and wrapped in the transport's framing once.
 * Every subscriber of the same variant and selection gets the same bytes.
 *
 * - graphql-ws: `{"type":"next","payload":<result>,"id":` — the transport adds
 *   each subscriber's `"<id>"}` (fast-frames.ts).
 * - SSE: `event: next\ndata: <result>\n\n`, identical for every subscriber.
 * @module
 */
import { Buffer } from 'node:buffer';
import { type DocumentNode, execute, type ExecutionResult, GraphQLError, type GraphQLSchema } from 'graphql';

/** What a subscriber selected: the same key means the same payload for the same frame. */
export interface FrameSelection {
  /** The query, operation name and variables: subscribers with equal keys share messages. */
  readonly key: string;
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variableValues?: Record<string, unknown> | null | undefined;
  /** The context of the first subscriber of this key is the one the shared execution sees. */
  readonly contextValue: unknown;
}

export type FrameWireFormat = 'graphql-ws' | 'sse';

type Message = Uint8Array | Promise<Uint8Array>;

/** Per frame or video chunk (the operation's root value). */
const messages = new WeakMap<object, Map<string, Message>>();
const counts = { executions: 0 };

/** The selection key of an operation: the same query text, operation and variables select the same payload. */
export function selectionKey(query: string, operationName: string | null | undefined, variables: unknown): string {
  return `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}\u0000${query}`;
}

/**
 * The `frames` result as JSON. Errors are masked the way Yoga masks them: a
 * GraphQLError thrown on purpose keeps its message, anything else becomes
 * "Unexpected error.".
 */
function resultJson(result: ExecutionResult): string {
  if (!result.errors || result.errors.length === 0) return JSON.stringify({ data: result.data ?? null });
  const errors = result.errors.map((error) => {
    const json = error.toJSON();
    const original = error.originalError;
    return original && !(original instanceof GraphQLError) ? { ...json, message: 'Unexpected error.', extensions: undefined } : json;
  });
  return JSON.stringify({ data: result.data ?? null, errors });
}

function frame(format: FrameWireFormat, json: string): Uint8Array {
  return Buffer.from(format === 'sse' ? `event: next\ndata: ${json}\n\n` : `{"type":"next","payload":${json},"id":`, 'utf8');
}

/** The frame's (or video chunk's) message for `selection` in `format`, made on first use and shared afterwards. */
export function frameMessage(source: object, selection: FrameSelection, format: FrameWireFormat): Message {
  let byKey = messages.get(source);
  if (!byKey) {
    byKey = new Map();
    messages.set(source, byKey);
  }
  const key = `${format}\u0000${selection.key}`;
  let message = byKey.get(key);
  if (message === undefined) {
    counts.executions++;
    const result = execute({
      schema: selection.schema,
      document: selection.document,
      operationName: selection.operationName,
      variableValues: selection.variableValues,
      contextValue: selection.contextValue,
      rootValue: source,
    });
    message = result instanceof Promise ? result.then((settled) => frame(format, resultJson(settled))) : frame(format, resultJson(result));
    byKey.set(key, message);
    if (message instanceof Promise) {
      const pending = message;
      void pending.then((bytes) => byKey.set(key, bytes), () => byKey.delete(key));
    }
  }
  return message;
}

/** How many shared executions (one per frame, selection and format) this process has made. */
export function frameMessageCount(): number {
  return counts.executions;
}
