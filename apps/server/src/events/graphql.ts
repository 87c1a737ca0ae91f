/**
 * The GraphQL side of motion events: `events`, `event` and the
 * `motionEvents` subscription, and the stored event in the generated shape.
 * @module
 */
import type { MotionEvent, MotionEventChange, MotionEventConnection, MotionEventPhase, QueryEventsArgs, RecordingStatus } from '@servercam/schema';
import { isoTime } from '../frames/serialize.ts';
import { badUserInput } from '../schema/errors.ts';
import { eventClipUrl, eventSnapshotUrl } from './routes.ts';
import type { EventChange } from './hub.ts';
import type { EventService } from './service.ts';
import { InvalidCursor, MAX_PAGE, type StoredEvent } from './store.ts';

const RECORDING: Record<StoredEvent['recording'], RecordingStatus> = { recording: 'RECORDING', ready: 'READY', failed: 'FAILED', none: 'NONE' };
const PHASE: Record<EventChange['phase'], MotionEventPhase> = { start: 'START', end: 'END', saved: 'SAVED' };

export function toGraphQLEvent(event: StoredEvent): MotionEvent {
  const ready = event.recording === 'ready' && event.clipFile !== undefined;
  return {
    id: event.id,
    cameraId: event.cameraId,
    startedAt: isoTime(event.startedAt),
    endedAt: event.endedAt !== undefined ? isoTime(event.endedAt) : null,
    inProgress: event.endedAt === undefined,
    peakScore: event.peakScore,
    boxes: event.boxes.map((box) => ({ x: box.x, y: box.y, width: box.width, height: box.height })),
    snapshotUrl: event.snapshotFile ? eventSnapshotUrl(event.id) : null,
    snapshotWidth: event.snapshotWidth ?? null,
    snapshotHeight: event.snapshotHeight ?? null,
    recording: RECORDING[event.recording],
    recordingError: event.recordingError ?? null,
    clipUrl: ready ? eventClipUrl(event.id, event.clipFile!) : null,
    clipMimeType: event.clipMimeType ?? null,
    clipSeconds: event.clipSeconds ?? null,
  };
}

export function toGraphQLChange(change: EventChange): MotionEventChange {
  return { phase: PHASE[change.phase], event: toGraphQLEvent(change.event) };
}

function time(value: string | null | undefined, argument: string): number | undefined {
  if (value == null) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw badUserInput(`${argument} must be a date and time, e.g. "2026-01-31T12:00:00Z", got "${value}"`, argument);
  return ms;
}

/**
 * One page of events, by the arguments of `Query.events`, of the cameras in `scope` (undefined: all).
 * No event service (no camera detects motion): an empty page.
 */
export function eventsPage(events: EventService | undefined, args: Partial<QueryEventsArgs>, scope?: readonly string[]): MotionEventConnection {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw badUserInput(`first must be a whole number from 0 to ${MAX_PAGE}, got ${first}`, 'first');
  const since = time(args.since, 'since');
  const until = time(args.until, 'until');
  if (!events) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
  try {
    const page = events.store.list({ cameraId: args.cameraId ?? undefined, cameraIds: scope, since, until, first, after: args.after ?? undefined });
    return {
      edges: page.events.map(({ event, cursor }) => ({ cursor, node: toGraphQLEvent(event) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.events.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  } catch (error) {
    if (error instanceof InvalidCursor) throw badUserInput(error.message, 'after');
    throw error;
  }
}
