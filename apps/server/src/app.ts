/**
 * The servercam application, runtime-neutral: one web-standard
 * `fetch(Request): Promise<Response>` for every HTTP route, the graphql-ws
 * options for an adapter's WebSocket binding, and the lifecycle of the capture.
 * The Node adapter (adapters/node.ts) puts it on a socket.
 *
 * Routes:
 * - `/graphql`: GraphQL over HTTP and SSE (Yoga); GraphiQL for a browser; WebSocket via the adapter
 * - `/cameras/:id/snapshot.jpg`, `/cameras/:id/stream.mjpeg`
 * - `/healthz`
 * - anything else: the UI (routes/ui.ts)
 * @module
 */
import { fileURLToPath } from 'node:url';
import {
  type CameraConfig,
  type CaptureTuning,
  ServerVideoStream,
} from '@servercam/core';
import { CameraDirectory } from './cameras.ts';
import { serializationCounts } from './frames/serialize.ts';
import { silentLogger, type Logger } from './logger.ts';
import { healthResponse } from './routes/healthz.ts';
import { errorResponse, methodNotAllowed } from './routes/http.ts';
import { snapshotResponse } from './routes/snapshot.ts';
import { hasUi, type UiLinks, uiResponse } from './routes/ui.ts';
import type { ServerContext } from './schema/context.ts';
import { createServercamYoga, GRAPHQL_PATH, type ServercamYoga } from './schema/yoga.ts';
import { type SubscriptionStats, Subscriptions } from './subscriptions.ts';
import { type GraphqlWsBinding, graphqlWsBinding } from './transports/graphql-ws.ts';
import { type MjpegStats, MjpegStreams } from './transports/mjpeg.ts';

/** The camera served when none is configured. */
export const DEFAULT_CAMERAS: readonly CameraConfig[] = [{ id: 'synthetic', label: 'Synthetic test pattern', source: 'synthetic' }];

/** The web UI's build in this repository (apps/web/build), the default UI directory. */
export const REPO_UI_DIR = fileURLToPath(new URL('../../web/build/', import.meta.url));

export interface AppOptions {
  /** The cameras; the first is active at start. Default: one synthetic camera. */
  readonly cameras?: readonly CameraConfig[] | undefined;
  readonly fps?: number | undefined;
  readonly quality?: number | undefined;
  readonly paused?: boolean | undefined;
  /**
   * The UI's static files. Default: the repository's apps/web/build when it
   * holds a build. `false`: no UI, `/` shows the links page.
   */
  readonly uiDir?: string | false | undefined;
  readonly logger?: Logger | undefined;
  /** Tuning of the capture loop (tests shorten the reconnect backoff). */
  readonly tuning?: Partial<CaptureTuning> | undefined;
  /** How long a snapshot waits for the first frame of a camera that is not capturing yet (ms, default 2000). */
  readonly snapshotWaitMs?: number | undefined;
  /**
   * Origins (`http://host:port`) of other sites whose pages may use the API,
   * over HTTP (CORS) and WebSocket, e.g. a UI dev server. Pages served by
   * servercam itself always may; clients that send no Origin (curl, VLC) too.
   */
  readonly allowedOrigins?: readonly string[] | undefined;
}

export interface AppStats {
  readonly subscriptions: SubscriptionStats;
  readonly mjpeg: MjpegStats;
  /** Serializations made by this process, per kind: once per frame and variant, not per subscriber. */
  readonly serializations: { readonly graphqlFrames: number; readonly mjpegParts: number };
}

const CAMERA_ROUTE = /^\/cameras\/([^/]+)\/(snapshot\.jpg|stream\.mjpeg)$/;

export class ServercamApp implements AsyncDisposable {
  readonly stream: ServerVideoStream;
  readonly cameras: CameraDirectory;
  readonly subscriptions: Subscriptions;
  readonly yoga: ServercamYoga;
  readonly logger: Logger;
  readonly uiDir: string | undefined;
  readonly #mjpeg: MjpegStreams;
  readonly #context: ServerContext;
  readonly #startedAt = Date.now();
  readonly #allowedOrigins: ReadonlySet<string>;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #offStatusLog: (() => void) | undefined;

  constructor(options: AppOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    this.stream = new ServerVideoStream({
      cameras: options.cameras && options.cameras.length > 0 ? options.cameras : DEFAULT_CAMERAS,
      fps: options.fps,
      quality: options.quality,
      paused: options.paused,
      tuning: options.tuning,
    });
    this.cameras = new CameraDirectory(this.stream);
    this.subscriptions = new Subscriptions(this.stream, this.cameras);
    this.#mjpeg = new MjpegStreams(this.stream, this.cameras, this.subscriptions);
    this.#context = {
      stream: this.stream,
      cameras: this.cameras,
      subscriptions: this.subscriptions,
      snapshotWaitMs: options.snapshotWaitMs ?? 2000,
    };
    this.#allowedOrigins = new Set(options.allowedOrigins ?? []);
    this.yoga = createServercamYoga(this.#context, this.logger, [...this.#allowedOrigins]);
    this.uiDir = options.uiDir === false ? undefined : (options.uiDir ?? REPO_UI_DIR);
    this.#logStatusChanges();
  }

  /** Starts capture of the active camera and opens every camera ahead of use. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      await this.stream.start();
      // Opening can take long (a network camera); failures are shown as the camera's status.
      void this.cameras.openAll();
    })();
    return this.#starting;
  }

  /** Whether a UI build is being served at `/`. */
  hasUi(): Promise<boolean> {
    return hasUi(this.uiDir);
  }

  /** Handles one HTTP request (every route but the WebSocket upgrade). */
  readonly fetch = async (request: Request): Promise<Response> => {
    await this.start();
    const { pathname } = new URL(request.url);
    if (pathname === GRAPHQL_PATH) return this.yoga.fetch(request);
    const camera = CAMERA_ROUTE.exec(pathname);
    if (camera) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
      let id: string;
      try {
        id = decodeURIComponent(camera[1]!);
      } catch {
        return errorResponse(400, 'Malformed camera id');
      }
      if (camera[2] === 'snapshot.jpg') {
        return snapshotResponse(request, this.stream, this.cameras, id, this.#context.snapshotWaitMs);
      }
      return this.#mjpeg.respond(request, id);
    }
    if (pathname.startsWith('/cameras/')) return errorResponse(404, `Not found: ${pathname}`);
    if (pathname === '/healthz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
      return healthResponse(this.stream, this.cameras, this.#startedAt);
    }
    return uiResponse(request, this.uiDir, () => this.links(''));
  };

  /**
   * Whether a WebSocket may be opened from a page of `origin` (the upgrade's
   * Origin header) to this server at `host` (its Host header). Browsers do
   * not apply CORS to WebSockets: without this, any site could drive the cameras.
   */
  allowsWebSocketOrigin(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.#allowedOrigins.has(origin)) return true;
    try {
      return host !== undefined && new URL(origin).host === host;
    } catch {
      return false;
    }
  }

  /** graphql-ws options for an adapter's WebSocket on `/graphql`, and a count of its running operations. */
  graphqlWs<E extends Record<PropertyKey, unknown>>(): GraphqlWsBinding<E> {
    return graphqlWsBinding<E>(this.yoga);
  }

  /** The URLs people use, under `base` (e.g. `http://127.0.0.1:4000`). */
  links(base: string): UiLinks & { readonly ui: string } {
    return {
      ui: `${base}/`,
      graphiql: `${base}${GRAPHQL_PATH}`,
      cameras: this.cameras.list().map((camera) => ({
        id: camera.id,
        label: camera.label,
        mjpeg: `${base}/cameras/${encodeURIComponent(camera.id)}/stream.mjpeg`,
        snapshot: `${base}/cameras/${encodeURIComponent(camera.id)}/snapshot.jpg`,
      })),
    };
  }

  stats(): AppStats {
    return { subscriptions: this.subscriptions.stats(), mjpeg: this.#mjpeg.stats(), serializations: serializationCounts() };
  }

  /** Completes every subscription and ends every stream response; the cameras keep running. */
  endSubscriptions(): void {
    this.subscriptions.close();
  }

  /** Ends every subscription and releases every camera. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.subscriptions.close();
      this.#offStatusLog?.();
      this.cameras.close();
      await this.#starting?.catch(() => {});
      await this.stream.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #logStatusChanges(): void {
    const last = new Map<string, string>();
    const log = this.logger.child({ component: 'camera' });
    this.#offStatusLog = this.cameras.onStatus((camera) => {
      const key = `${camera.status}:${camera.error?.message ?? ''}`;
      if (last.get(camera.id) === key) return;
      last.set(camera.id, key);
      if (camera.status === 'error') {
        log.warn({ camera: camera.id, code: camera.error?.code }, camera.error?.message ?? `camera "${camera.id}" failed`);
      } else {
        log.info({ camera: camera.id, status: camera.status, width: camera.width, height: camera.height }, `camera "${camera.id}" is ${camera.status}`);
      }
    });
  }
}
