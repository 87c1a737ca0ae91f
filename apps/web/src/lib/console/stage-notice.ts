/**
 * What the live view says over (or instead of) the picture: every state in
 * which frames do not flow is named, so the view is never a blank page or a
 * frozen frame without notice.
 * @module
 */
import type { ConnectionPhase } from '../graphql/connection.svelte.ts';
import type { Camera } from './cameras.svelte.ts';

export type StageNoticeKind = 'offline' | 'camera-error' | 'paused' | 'waiting' | 'stalled';

export interface StageNotice {
  readonly kind: StageNoticeKind;
  readonly title: string;
  readonly detail?: string | undefined;
  /** A short line on what happens next, e.g. that the server retries. */
  readonly hint?: string | undefined;
}

export interface StageInput {
  readonly phase: ConnectionPhase;
  readonly connectedOnce: boolean;
  /** When the next connection attempt starts (epoch ms), while waiting for it. */
  readonly retryAt: number | null;
  readonly camera: Camera | undefined;
  readonly paused: boolean;
  /** Whether a frame of this camera is on screen. */
  readonly hasFrame: boolean;
  /** When the last frame arrived (epoch ms). */
  readonly lastFrameAt: number | null;
  /** The frames subscription's last error, while there is one. */
  readonly streamError: string | null;
  readonly now: number;
}

/** Frames older than this while the camera is live make the view say so. */
export const STALL_MS = 3_000;

export function stageNotice(input: StageInput): StageNotice | null {
  const { camera } = input;
  if (input.phase !== 'connected') {
    const seconds = input.retryAt === null ? 0 : Math.ceil((input.retryAt - input.now) / 1000);
    return {
      kind: 'offline',
      title: input.connectedOnce ? 'Server unreachable' : 'Connecting to the server…',
      detail: seconds > 0 ? `Reconnecting in ${seconds} s…` : 'Reconnecting…',
      hint: input.hasFrame ? 'The picture is the last frame received.' : undefined,
    };
  }
  if (camera?.status === 'ERROR') {
    return {
      kind: 'camera-error',
      title: `${camera.label}: camera error`,
      detail: camera.error?.message ?? 'The camera failed.',
      hint: 'The server keeps retrying; the picture comes back by itself.',
    };
  }
  if (input.streamError) {
    return { kind: 'camera-error', title: 'The stream failed', detail: input.streamError, hint: 'Retrying…' };
  }
  if (input.paused) {
    return { kind: 'paused', title: 'Paused', detail: input.hasFrame ? 'Showing the last frame.' : undefined };
  }
  if (!input.hasFrame) {
    const status = camera ? ` (${camera.status.toLowerCase()})` : '';
    return { kind: 'waiting', title: 'No frames yet', detail: `Waiting for the first frame${camera ? ` from ${camera.label}` : ''}${status}…` };
  }
  if (input.lastFrameAt !== null && input.now - input.lastFrameAt > STALL_MS) {
    const seconds = Math.floor((input.now - input.lastFrameAt) / 1000);
    return { kind: 'stalled', title: 'No new frames', detail: `The last frame arrived ${seconds} s ago.` };
  }
  return null;
}
