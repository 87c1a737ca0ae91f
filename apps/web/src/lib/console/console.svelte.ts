/**
 * One browser's connection to servercam: the live client (subscriptions over
 * graphql-ws), queries and mutations over HTTP, and the state every page
 * shows (connection, shared settings, cameras).
 * @module
 */
import { getContext, setContext } from 'svelte';
import {
  CameraStatusChangedDocument,
  CamerasDocument,
  FramesDocument,
  MotionEventsDocument,
  SnapshotDocument,
  StreamSettingsChangedDocument,
  StreamSettingsDocument,
  UpdateStreamDocument,
  VideoDocument,
  ViewerDocument,
  type FrameFieldsFragment,
  type FramesSubscriptionVariables,
  type VideoChunkFieldsFragment,
  type VideoSubscriptionVariables,
} from '@servercam/schema/client';
import { ConnectionState } from '../graphql/connection.svelte.ts';
import type { Document } from '../graphql/document.ts';
import { OperationError } from '../graphql/errors.ts';
import { request } from '../graphql/http.ts';
import { needsSignIn } from '../auth/session.ts';
import { can, type Capability, type ViewerAccess } from '../auth/access.ts';
import { LiveClient, graphqlWsUrl, type Unsubscribe } from '../graphql/ws.ts';
import { EventFeed } from '../events/feed.svelte.ts';
import { CameraList } from './cameras.svelte.ts';
import { SettingsModel, type SettingsPatch } from './settings.svelte.ts';

export type Frame = FrameFieldsFragment;
export type VideoChunk = VideoChunkFieldsFragment;

export interface ConsoleOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:4000`: the page's own. */
  readonly origin: string;
  /** How often camera figures (measured fps, viewers) are refreshed, in ms. */
  readonly refreshMs?: number | undefined;
  /** The server wants a sign-in (HTTP 401 / `UNAUTHENTICATED`, or the WebSocket closed with 4401). */
  readonly onUnauthenticated?: (() => void) | undefined;
}

export class ServercamConsole {
  readonly connection = new ConnectionState();
  readonly settings = new SettingsModel();
  readonly cameras = new CameraList();
  /** Motion events as they happen, and their toasts. */
  readonly events = new EventFeed();
  /** The last error loading cameras or settings, while there is one. */
  loadError = $state<string | null>(null);
  /** What this browser's principal may do (the `viewer` query); null until known, when nothing is shown as allowed. */
  viewer = $state<ViewerAccess | null>(null);

  #httpUrl = '/graphql';
  #live: LiveClient | null = null;
  #stops: Unsubscribe[] = [];
  #refreshTimer: ReturnType<typeof setInterval> | undefined;
  #onUnauthenticated: (() => void) | undefined;
  #signInAsked = false;
  /** The motion events subscription, held while the principal has EVENTS. */
  #stopEvents: Unsubscribe | null = null;

  /** The active camera, once settings and cameras are known. */
  get activeCamera() {
    return this.cameras.get(this.settings.current?.activeCameraId);
  }

  /** Connects: call once, in the browser. Nothing connects before (so the page can be prerendered). */
  start(options: ConsoleOptions): void {
    if (this.#live) return;
    const origin = new URL(options.origin);
    this.#httpUrl = new URL('/graphql', origin).href;
    this.#live = new LiveClient({
      url: graphqlWsUrl(origin),
      connection: this.connection,
      onConnected: () => void this.refresh(),
      onUnauthenticated: () => this.#unauthenticated(),
    });
    this.#onUnauthenticated = options.onUnauthenticated;
    this.#stops.push(
      this.#live.subscribe(StreamSettingsChangedDocument, {}, { next: (data) => this.settings.applyServer(data.streamSettings) }),
      this.#live.subscribe(CameraStatusChangedDocument, {}, { next: (data) => this.cameras.upsert(data.cameraStatus) }),
    );
    this.#refreshTimer = setInterval(() => {
      if (this.connection.online && document.visibilityState === 'visible') void this.refreshCameras();
    }, options.refreshMs ?? 3_000);
  }

  /** Whether the principal holds `capability` (false until the `viewer` query has answered). */
  can(capability: Capability): boolean {
    return can(this.viewer, capability);
  }

  /** Loads the principal's access, cameras and settings again (after connecting, and after a reconnect). */
  async refresh(): Promise<void> {
    await Promise.all([this.#refreshViewer(), this.refreshCameras(), this.#refreshSettings()]);
  }

  async #refreshViewer(): Promise<void> {
    try {
      const { viewer } = await this.query(ViewerDocument, {});
      this.viewer = { capabilities: [...viewer.capabilities], cameras: [...viewer.cameras], shareLink: viewer.shareLink, expiresAt: viewer.expiresAt ?? null };
      this.#followEvents();
    } catch (cause) {
      this.#loadFailed(cause);
    }
  }

  /** Motion events (and their toasts) only for a principal with EVENTS: others would be refused. */
  #followEvents(): void {
    const wanted = this.can('EVENTS');
    if (wanted && !this.#stopEvents && this.#live) {
      this.#stopEvents = this.#live.subscribe(MotionEventsDocument, {}, {
        next: ({ motionEvents: { phase, event } }) => this.events.apply(phase, event, this.cameras.get(event.cameraId)?.label ?? event.cameraId),
      });
    } else if (!wanted && this.#stopEvents) {
      this.#stopEvents();
      this.#stopEvents = null;
      this.events.clear();
    }
  }

  async refreshCameras(): Promise<void> {
    try {
      const { cameras } = await this.query(CamerasDocument, {});
      this.cameras.replace(cameras);
      this.loadError = null;
    } catch (cause) {
      this.#loadFailed(cause);
    }
  }

  async #refreshSettings(): Promise<void> {
    try {
      const { stream } = await this.query(StreamSettingsDocument, {});
      this.settings.applyServer(stream);
    } catch (cause) {
      this.#loadFailed(cause);
    }
  }

  /** A query or mutation over HTTP; rejects with an `OperationError`. */
  query<TResult, TVariables>(document: Document<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    return request(this.#httpUrl, document, variables);
  }

  /** Changes the shared settings through `updateStream`; false when the server rejected it. */
  updateStream(patch: SettingsPatch): Promise<boolean> {
    return this.settings.change(patch, async (input) => (await this.query(UpdateStreamDocument, { input })).updateStream);
  }

  /** Frames of a camera (of the active one when `cameraId` is omitted), until unsubscribed. */
  subscribeFrames(variables: FramesSubscriptionVariables, onFrame: (frame: Frame) => void, onError?: (error: OperationError) => void): Unsubscribe {
    if (!this.#live) throw new Error('ServercamConsole.start() was not called');
    return this.#live.subscribe(FramesDocument, variables, {
      next: (data) => onFrame(data.frames),
      ...(onError ? { error: onError } : {}),
    });
  }

  /** H.264 chunks of a camera (of the active one when `cameraId` is omitted), until unsubscribed. */
  subscribeVideo(variables: VideoSubscriptionVariables, onChunk: (chunk: VideoChunk) => void, onError?: (error: OperationError) => void): Unsubscribe {
    if (!this.#live) throw new Error('ServercamConsole.start() was not called');
    return this.#live.subscribe(VideoDocument, variables, {
      next: (data) => onChunk(data.video),
      ...(onError ? { error: onError } : {}),
    });
  }

  /** The latest frame of a camera; null before its first frame. */
  async snapshot(cameraId: string): Promise<Frame | null> {
    return (await this.query(SnapshotDocument, { cameraId })).snapshot;
  }

  /** A load that failed: its message for the page, and a sign-in when the server asks for one. */
  #loadFailed(cause: unknown): void {
    const error = OperationError.from(cause);
    this.loadError = error.message;
    if (needsSignIn(error)) this.#unauthenticated();
  }

  /** Asks for a sign-in once. */
  #unauthenticated(): void {
    if (this.#signInAsked) return;
    this.#signInAsked = true;
    this.#onUnauthenticated?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.#refreshTimer);
    for (const stop of this.#stops.splice(0)) stop();
    this.#stopEvents?.();
    this.#stopEvents = null;
    this.events.clear();
    await this.#live?.dispose();
    this.#live = null;
  }
}

const KEY = Symbol('servercam-console');

export function setConsole(console: ServercamConsole): ServercamConsole {
  return setContext(KEY, console);
}

export function getConsole(): ServercamConsole {
  const console = getContext<ServercamConsole | undefined>(KEY);
  if (!console) throw new Error('No ServercamConsole in context: the root layout sets it');
  return console;
}
