/**
 * A share link's view (`/share/<token>`): the link's token is the credential,
 * sent as `Authorization: Bearer` over HTTP and as graphql-ws
 * `connectionParams.authorization`, never stored and never exchanged for the
 * browser's session cookie (a signed-in admin who opens a link keeps their
 * own session). It loads what the link grants (the `viewer` query: one camera
 * and its expiry), that camera's status, and its frames. When the server
 * refuses the token (expired or revoked: it closes the socket with 4401, or
 * answers `UNAUTHENTICATED`), the view ends with a message and stops
 * retrying. The message says which when the server does: the close reason of
 * a live connection whose link ended (`Access expired` / `Access revoked`,
 * graphql-ws-guard.ts). A link refused when first opened gets the server's
 * generic refusal (it does not tell a caller whether a token is wrong,
 * revoked or expired), so the view falls back on the expiry the token states.
 * @module
 */
import { CameraStatusChangedDocument, CamerasDocument, FramesDocument, ViewerDocument } from '@servercam/schema/client';
import { isPast } from '../admin/expiry.ts';
import { needsSignIn } from '../auth/session.ts';
import { copyCamera, type Camera } from '../console/cameras.svelte.ts';
import type { Frame } from '../console/console.svelte.ts';
import { ConnectionState } from '../graphql/connection.svelte.ts';
import type { Document } from '../graphql/document.ts';
import { OperationError } from '../graphql/errors.ts';
import { request } from '../graphql/http.ts';
import { LiveClient, graphqlWsUrl, type Unsubscribe } from '../graphql/ws.ts';

export type SharePhase =
  /** Asking the server what the link grants. */
  | 'loading'
  /** Showing the camera. */
  | 'live'
  /** The server refuses the link: expired or revoked. */
  | 'ended'
  /** The token is not a share link, or grants no camera. */
  | 'invalid';

/** Whether an error means the server refused the credential. */
export function refused(error: OperationError): boolean {
  return needsSignIn(error) || error.code === 'FORBIDDEN';
}

/** The close reasons the server gives a live connection whose grant ended (apps/server's graphql-ws-guard.ts). */
const CLOSED_EXPIRED = 'Access expired';
const CLOSED_REVOKED = 'Access revoked';

/**
 * What the view says once the server refuses the link: what the server's close reason says,
 * else (a refusal that does not say why) whether the link's expiry has passed.
 */
export function endedMessage(closeReason: string | null, expiresAt: string | null, now: number): string {
  if (closeReason === CLOSED_EXPIRED) return 'This share link has expired.';
  if (closeReason === CLOSED_REVOKED) return 'This share link is no longer valid: it was revoked.';
  return isPast(expiresAt, now) ? 'This share link has expired.' : 'This share link is no longer valid: it was revoked or has expired.';
}

/**
 * The expiry a share link's token states (`scl1.<id>.<camera>.<expires>.<mac>`, seconds), as an ISO
 * time; null for anything else. Only for what the view says of a link refused when first opened (the
 * server's refusal does not say why): the server alone decides whether it holds.
 */
export function statedExpiry(token: string): string | null {
  const parts = token.split('.');
  const seconds = parts[3] ?? '';
  if (parts.length !== 5 || parts[0] !== 'scl1' || seconds.length === 0 || seconds.length > 12) return null;
  for (const char of seconds) if (char < '0' || char > '9') return null;
  return new Date(Number(seconds) * 1000).toISOString();
}

export class ShareSession {
  readonly connection = new ConnectionState();
  phase = $state<SharePhase>('loading');
  /** The shared camera, once known. */
  camera = $state<Camera | null>(null);
  expiresAt = $state<string | null>(null);
  /** What went wrong, for `ended`, `invalid` and a failed load. */
  message = $state<string | null>(null);

  #authorization = '';
  #httpUrl = '/graphql';
  #live: LiveClient | null = null;
  #stops: Unsubscribe[] = [];
  /** The shared camera's id, outside of reactivity: a frames subscription must not depend on the camera's status. */
  #cameraId: string | null = null;

  /** Connects with `token` as the credential: call once, in the browser. */
  start(origin: string, token: string): void {
    if (this.#live || this.phase === 'ended') return;
    const base = new URL(origin);
    this.#authorization = `Bearer ${token}`;
    // Until the server confirms it, the expiry the token states: a link opened after it says "expired".
    this.expiresAt = statedExpiry(token);
    this.#httpUrl = new URL('/graphql', base).href;
    this.#live = new LiveClient({
      url: graphqlWsUrl(base),
      connection: this.connection,
      authorization: this.#authorization,
      onConnected: () => void this.#load(),
      onUnauthenticated: (reason) => this.#end(reason),
    });
  }

  #query<TResult, TVariables>(document: Document<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    return request(this.#httpUrl, document, variables, { authorization: this.#authorization });
  }

  /** Reads what the link grants (after each connect: it may have been revoked meanwhile). */
  async #load(): Promise<void> {
    let viewer;
    try {
      ({ viewer } = await this.#query(ViewerDocument, {}));
    } catch (cause) {
      const error = OperationError.from(cause);
      if (refused(error)) this.#end();
      else this.message = error.message;
      return;
    }
    const cameraId = viewer.cameras.length === 1 ? viewer.cameras[0] : undefined;
    if (!viewer.shareLink || cameraId === undefined || cameraId === '*') {
      this.phase = 'invalid';
      this.message = 'This address is not a share link.';
      await this.stop();
      return;
    }
    this.#cameraId = cameraId;
    this.expiresAt = viewer.expiresAt ?? null;
    this.message = null;
    if (this.camera?.id !== cameraId) this.camera = placeholder(cameraId);
    try {
      const { cameras } = await this.#query(CamerasDocument, {});
      const known = cameras.find((camera) => camera.id === cameraId);
      if (known) this.camera = copyCamera(known);
    } catch {
      // The camera's label and status are a nicety: its id and frames are enough to show it.
    }
    if (this.#stops.length === 0 && this.#live) {
      this.#stops.push(
        this.#live.subscribe(CameraStatusChangedDocument, {}, {
          next: ({ cameraStatus }) => {
            if (cameraStatus.id === cameraId) this.camera = copyCamera(cameraStatus);
          },
        }),
      );
    }
    if (this.phase === 'loading') this.phase = 'live';
  }

  /** The shared camera's frames, until unsubscribed; a refused subscription makes the view check the link. */
  subscribeFrames(onFrame: (frame: Frame) => void, onError?: (error: OperationError) => void): Unsubscribe {
    const live = this.#live;
    const cameraId = this.#cameraId;
    if (!live || !cameraId) return () => {};
    return live.subscribe(FramesDocument, { cameraId }, {
      next: (data) => onFrame(data.frames),
      error: (error) => {
        onError?.(error);
        if (refused(error)) void this.#load();
      },
    });
  }

  /** Ends the view; `closeReason` is the server's, when it closed the socket. */
  #end(closeReason: string | null = null): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.message = endedMessage(closeReason, this.expiresAt, Date.now());
    void this.stop();
  }

  /** Closes the socket and every subscription; nothing retries afterwards. */
  async stop(): Promise<void> {
    for (const stop of this.#stops.splice(0)) stop();
    const live = this.#live;
    this.#live = null;
    await live?.dispose();
  }
}

/** The camera before its details arrive (or when the link may not read them). */
function placeholder(id: string): Camera {
  return { id, label: id, status: 'OPENING', error: null, width: null, height: null, measuredFps: 0, viewers: 0, motion: false, motionDetection: false };
}
