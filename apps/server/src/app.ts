/**
 * The servercam application, runtime-neutral: one web-standard
 * `fetch(Request): Promise<Response>` for every HTTP route, the graphql-ws
 * options for an adapter's WebSocket binding, and the lifecycle of the capture.
 * A runtime adapter (adapters/node.ts, adapters/deno.ts) puts it on a socket.
 *
 * Routes:
 * - `/graphql`: GraphQL over HTTP and SSE (Yoga); GraphiQL for a browser (routes/graphiql.ts); WebSocket via the adapter
 * - `/cameras/:id/snapshot.jpg`, `/cameras/:id/stream.mjpeg`, `/cameras/:id/stream.mp4` (H.264, fragmented MP4)
 * - `/healthz`
 * - `/events/:id/snapshot.jpg`, `/events/:id/clip.mp4` (or `.avi`): a motion event's files, with byte ranges
 * - anything else: the UI (routes/ui.ts)
 *
 * GraphiQL and the UI's files are sent with brotli or gzip when the client
 * accepts it (routes/static-asset.ts); nothing else is encoded (JPEG does not
 * shrink, and streams must not be buffered).
 * @module
 */
import { fileURLToPath } from 'node:url';
import {
  type CameraConfig,
  type CaptureTuning,
  InvalidSettings,
  type ProcessSupervision,
  type StreamSettingsPatch,
} from '@servercam/core';
import { cameraRouteRefusal, eventRouteRefusal } from './access/doors.ts';
import { LiveAccess } from './access/live.ts';
import { type Grant, NO_GRANT } from './access/principal.ts';
import { inScope, scopeFilter } from './access/scope.ts';
import { AccessStore } from './access/store.ts';
import { AuditLog } from './audit/log.ts';
import { AuditRecorder, EXPIRY_CHECK_MS } from './audit/record.ts';
import { AppMetrics } from './metrics/registry.ts';
import { METRICS_PATH, MetricsRoute } from './metrics/route.ts';
import { TransportMeter } from './metrics/transport-meter.ts';
import type { FrameBus } from './bus/bus.ts';
import { createInProcessBus } from './bus/in-process.ts';
import { CameraDirectory } from './cameras.ts';
import { EventHub } from './events/hub.ts';
import { EVENT_ROUTE, eventFileResponse } from './events/routes.ts';
import { type EventsOptions, EventService } from './events/service.ts';
import { FrameSerializer, type SerializationCounts } from './frames/serialize.ts';
import { silentLogger, type Logger } from './logger.ts';
import { graphiqlResponse, wantsGraphiQL } from './routes/graphiql.ts';
import { healthResponse } from './routes/healthz.ts';
import { errorResponse, methodNotAllowed } from './routes/http.ts';
import { snapshotResponse } from './routes/snapshot.ts';
import { hasUi, type UiLinks, uiResponse } from './routes/ui.ts';
import type { ServerContext } from './schema/context.ts';
import { createServercamYoga, GRAPHQL_PATH, type ServercamYoga } from './schema/yoga.ts';
import { type SubscriptionStats, Subscriptions } from './subscriptions.ts';
import type { FrameWriter } from './transports/fast-frames.ts';
import { type GraphqlWsBinding, type GraphqlWsFrameStats, graphqlWsBinding } from './transports/graphql-ws.ts';
import { type MjpegStats, MjpegStreams } from './transports/mjpeg.ts';
import { type Mp4Stats, Mp4Streams } from './transports/mp4.ts';
import { type AuthTokens, type Principal, Security } from './security/index.ts';
import { unauthenticatedResponse } from './security/auth.ts';
import { rateLimitedResponse } from './security/failed-auth.ts';
import { guardGraphqlWs, type UpgradeInfo, type WsGuardHooks } from './security/graphql-ws-guard.ts';
import { withSecurityHeaders } from './security/headers.ts';
import { HostRefusalLog, misdirectedResponse } from './security/host.ts';
import { bodyTooLargeResponse, BodyTooLarge, type Limits, withLimitedBody } from './security/limits.ts';
import { foreignOriginResponse, needsOriginCheck } from './security/origin.ts';
import { PRINCIPAL_KEY } from './security/plugins.ts';
import type { SessionRevocations } from './security/sessions.ts';
import { SESSION_PATH } from './security/session-cookie.ts';
import { loadState, StateWriter } from './state-file.ts';

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
  /** Host names and addresses (`cams.example.org`, `.example.org`, `192.0.2.7`) served besides loopback and the bound address (security/host.ts). */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Reverse proxies' addresses and CIDR blocks: only from these is X-Forwarded-For believed (security/proxies.ts). */
  readonly trustedProxies?: readonly string[] | undefined;
  /** Tokens; either one turns auth on (docs/security.md). Default: none, auth off. */
  readonly auth?: AuthTokens | undefined;
  /** Abuse limits; each omitted one keeps its default (security/limits.ts). */
  readonly limits?: Partial<Limits> | undefined;
  /** Where capture runs: `process` (a supervised child, restarted after a crash) or `worker` (default here; `serve` uses `process`). */
  readonly isolation?: 'worker' | 'process' | undefined;
  readonly supervision?: Partial<ProcessSupervision> | undefined;
  /** A JSON file that keeps the settings changed through `updateStream` across restarts. Default: none. */
  readonly stateFile?: string | undefined;
  /**
   * The data directory: `servercam.db` (access tokens, share links) and, when a camera has `motion`, the
   * events. Without it the tokens and links are kept in memory and events in ./servercam-data
   * (`servercam serve` always gives one: default ./servercam-data).
   */
  readonly dataDir?: string | undefined;
  /** Retention and recording of motion events. */
  readonly events?: EventsOptions | undefined;
  /** Days the audit trail keeps its rows (default 90; 0: until its row cap). */
  readonly auditRetentionDays?: number | undefined;
  /** The Bearer token of `GET /metrics`; without one, /metrics answers loopback callers only. */
  readonly metricsToken?: string | undefined;
  /**
   * Where frames, status and settings come from. Default: cameras captured in this
   * process (`cameras`, `fps`...). A gateway passes a Redis bus (bus/redis-gateway.ts).
   */
  readonly bus?: FrameBus | undefined;
  /**
   * Shares sign-outs with the other servers of a deployment (a gateway: through
   * Redis, bus/redis-sessions.ts). Called once with this server's revocations;
   * what it returns is closed with the app.
   */
  readonly sessionSync?: ((revocations: SessionRevocations) => { close(): Promise<void> }) | undefined;
}

/** Who is calling an HTTP route: the adapter knows the socket's peer. */
export interface ClientInfo {
  /** The socket peer's address; X-Forwarded-For replaces it only when this is a trusted proxy. */
  readonly address: string;
}

export interface AppStats {
  readonly subscriptions: SubscriptionStats;
  readonly mjpeg: MjpegStats;
  /** `stream.mp4` clients and the chunks muxed for them. */
  readonly mp4: Mp4Stats;
  /** Serializations made by this app, per kind: once per frame and variant, not per subscriber. */
  readonly serializations: SerializationCounts;
  /** `frames` subscriptions over graphql-ws since start: the fast path, or the normal one for a socket without a frame writer. */
  readonly graphqlWsFrames: GraphqlWsFrameStats;
  /** `video` subscriptions over graphql-ws since start, by path, like `graphqlWsFrames`. */
  readonly graphqlWsVideo: GraphqlWsFrameStats;
}

/**
 * The app's decision on a WebSocket upgrade ({@link ServercamApp.upgrade}).
 * Accepted: the connection's caller and address for the graphql-ws checks, and
 * `release`, which the adapter calls when the socket closes (it frees the
 * address's WebSocket slot). Refused: the HTTP answer, as raw bytes for an
 * adapter that writes the socket itself, or as a Response.
 */
export type UpgradeDecision =
  | { readonly ok: true; readonly upgrade: UpgradeInfo & { release(): void } }
  | { readonly ok: false; readonly status: 403 | 404 | 421 | 429; readonly raw: string; response(): Response };

/** The upgrade refusal for a path other than `/graphql` (as the edge's `endSocket(socket, 404)` wrote it). */
const NOT_FOUND_RAW = 'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/** A Response of one of our own raw refusals (never of a client's bytes). */
function responseOfRaw(raw: string, status: number): Response {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Headers();
  for (const line of raw.slice(0, split).split('\r\n').slice(1)) {
    const colon = line.indexOf(': ');
    const name = line.slice(0, colon).toLowerCase();
    if (name !== 'connection' && name !== 'content-length') headers.append(name, line.slice(colon + 2));
  }
  const body = raw.slice(split + 4);
  return new Response(body.length > 0 ? body : null, { status, headers });
}

/** What a runtime adapter tells the app's graphql-ws binding about each connection (`extra`). */
export interface GraphqlWsHooks<E> extends WsGuardHooks<E> {
  /** The connection's frame writer (transports/fast-frames.ts), when the runtime has one. */
  frameWriter?: ((extra: E) => FrameWriter | undefined) | undefined;
}

/** `/cameras/:id/snapshot.jpg`, `/cameras/:id/stream.mjpeg`, `/cameras/:id/stream.mp4`. */
export const CAMERA_ROUTE = /^\/cameras\/([^/]+)\/(snapshot\.jpg|stream\.mjpeg|stream\.mp4)$/;

export class ServercamApp implements AsyncDisposable {
  readonly stream: FrameBus;
  readonly cameras: CameraDirectory;
  readonly subscriptions: Subscriptions;
  readonly yoga: ServercamYoga;
  readonly logger: Logger;
  readonly uiDir: string | undefined;
  readonly #mjpeg: MjpegStreams;
  readonly #mp4: Mp4Streams;
  readonly #serializer = new FrameSerializer();
  readonly #graphqlWsCounts = { frames: { fastPath: 0, normalPath: 0 }, video: { fastPath: 0, normalPath: 0 } };
  readonly #context: ServerContext;
  readonly #startedAt = Date.now();
  readonly security: Security;
  /** Stored access tokens and share links (`servercam.db` in the data directory, or in memory). */
  readonly access: AccessStore;
  /** The live streams of revocable credentials, closed when revoked or expired. */
  readonly live: LiveAccess;
  /** The motion event history; undefined when no camera detects motion. */
  readonly events: EventService | undefined;
  /** The audit trail (in `servercam.db`). */
  readonly audit: AuditRecorder;
  /** Prometheus metrics of this app (its own registry), served at /metrics. */
  readonly metrics: AppMetrics;
  readonly #metricsRoute: MetricsRoute;
  readonly #meter = new TransportMeter();
  readonly eventHub = new EventHub();
  readonly #state: StateWriter | undefined;
  #offState: (() => void) | undefined;
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #offStatusLog: (() => void) | undefined;
  readonly #hostRefusals: HostRefusalLog;
  readonly #sessionSync: { close(): Promise<void> } | undefined;

  constructor(options: AppOptions = {}) {
    this.logger = options.logger ?? silentLogger();
    const cameras = options.cameras && options.cameras.length > 0 ? options.cameras : DEFAULT_CAMERAS;
    this.stream = options.bus ?? createInProcessBus({
      cameras,
      fps: options.fps,
      quality: options.quality,
      paused: options.paused,
      tuning: options.tuning,
      isolation: options.isolation,
      supervision: options.supervision,
      maxVariantsPerCamera: options.limits?.maxVariantsPerCamera,
      maxVideoVariantsPerCamera: options.limits?.maxVideoVariantsPerCamera,
      videoGopBytes: options.limits?.videoGopBytes,
    });
    this.cameras = new CameraDirectory(this.stream);
    this.access = AccessStore.open(options.dataDir);
    this.subscriptions = new Subscriptions(this.stream, this.cameras);
    this.#mjpeg = new MjpegStreams(this.stream, this.cameras, this.subscriptions, this.#serializer, this.#meter);
    this.#mp4 = new Mp4Streams(this.stream, this.cameras, this.subscriptions, this.logger.child({ component: 'mp4' }), this.#meter);
    this.security = new Security({ ...options, access: this.access }); // auth, limits, allowedOrigins, allowedHosts, trustedProxies
    this.audit = new AuditRecorder(new AuditLog(this.access.database, { retentionDays: options.auditRetentionDays }), {
      auth: this.security.auth,
      access: this.access,
      expiryCheckMs: EXPIRY_CHECK_MS,
    });
    this.#context = {
      audit: this.audit,
      meter: this.#meter,
      stream: this.stream,
      cameras: this.cameras,
      subscriptions: this.subscriptions,
      serializer: this.#serializer,
      snapshotWaitMs: options.snapshotWaitMs ?? 2000,
      access: this.access,
      ...this.#createEvents(cameras, options),
    };
    this.events = this.#context.events;
    this.live = new LiveAccess((grant) => this.security.auth.stillValid(grant), this.access);
    this.#hostRefusals = new HostRefusalLog(this.logger.child({ component: 'http' }));
    this.metrics = new AppMetrics({ stream: this.stream, cameras: this.cameras, meter: this.#meter, subscriptions: () => this.subscriptions.stats() });
    this.#metricsRoute = new MetricsRoute(this.metrics, this.security.auth, options.metricsToken);
    this.yoga = createServercamYoga(this.#context, this.logger, [...this.security.allowedOrigins], this.security.limits, [this.metrics.yogaPlugin]);
    this.#sessionSync = options.sessionSync?.(this.security.auth.sessions);
    this.#state = options.stateFile ? new StateWriter(options.stateFile, this.logger.child({ component: 'state' })) : undefined;
    this.uiDir = options.uiDir === false ? undefined : (options.uiDir ?? REPO_UI_DIR);
    this.#logStatusChanges();
  }

  /** Starts capture of the active camera and opens every camera ahead of use. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      await this.#restoreState();
      await this.stream.start();
      this.events?.start();
      // Opening can take long (a network camera); failures are shown as the camera's status.
      void this.cameras.openAll();
    })();
    return this.#starting;
  }

  /** Whether a UI build is being served at `/`. */
  hasUi(): Promise<boolean> {
    return hasUi(this.uiDir);
  }

  /**
   * Handles one HTTP request (every route but the WebSocket upgrade). `client`
   * is the socket's peer (the adapter knows it; limits are per client address).
   * A request for a Host this server does not answer to gets 421; every
   * response gets the security headers, and every HTML one the page headers.
   */
  readonly fetch = async (request: Request, client: ClientInfo = { address: 'local' }): Promise<Response> => {
    const host = request.headers.get('host');
    if (!this.security.allowsHost(host)) {
      this.#hostRefusals.note(host ?? '');
      return withSecurityHeaders(misdirectedResponse());
    }
    const address = this.security.clientAddress(client.address, request.headers.get('x-forwarded-for'));
    return withSecurityHeaders(await this.#route(request, address));
  };

  /**
   * The WebSocket policy, decided once for every runtime adapter: the Host
   * (421), the Origin (403), the client address's WebSocket budget (429), then
   * the path (404 but for `/graphql`), and the caller from the upgrade's
   * credentials. Refusals are logged here. `request` is the upgrade request
   * (its URL and headers; the adapter has checked its first bytes, adapters/edge.ts).
   */
  upgrade(request: Request, client: ClientInfo): UpgradeDecision {
    const headers = request.headers;
    const admission = this.security.admitUpgrade(headers, client.address);
    if (!admission.ok) {
      if (admission.status === 421) this.#hostRefusals.note(headers.get('host') ?? '');
      else this.logger.child({ component: 'http' }).warn({ address: admission.address, origin: headers.get('origin') ?? undefined }, admission.reason);
      const { status, raw } = admission;
      return { ok: false, status, raw, response: () => responseOfRaw(raw, status) };
    }
    if (new URL(request.url).pathname !== GRAPHQL_PATH) {
      admission.upgrade.release();
      return { ok: false, status: 404, raw: NOT_FOUND_RAW, response: () => responseOfRaw(NOT_FOUND_RAW, 404) };
    }
    return admission;
  }

  async #route(request: Request, address: string): Promise<Response> {
    await this.start();
    const { pathname } = new URL(request.url);
    const origin = request.headers.get('origin');
    if (origin !== null && needsOriginCheck(request) && !this.security.allowsOrigin(origin, request.headers.get('host'))) {
      return foreignOriginResponse(origin);
    }
    // Its own token (or loopback): an API token is not asked for, and a metrics token is not taken for a wrong API token.
    if (pathname === METRICS_PATH) return this.#metricsRoute.respond(request, address);
    const auth = this.security.auth.authenticate(request.headers, address);
    const principal = auth.kind === 'ok' ? auth.principal : undefined;
    // An address over its failed-auth budget is refused wherever credentials matter, even with a right token.
    const limited = auth.kind === 'limited' ? rateLimitedResponse(auth.retryAfterS, pathname === GRAPHQL_PATH) : undefined;
    if (pathname === SESSION_PATH) {
      try {
        return await this.security.session.respond(await this.#limitBody(request), principal, address);
      } catch (error) {
        if (error instanceof BodyTooLarge) return bodyTooLargeResponse(error.limit);
        throw error;
      }
    }
    if (pathname === GRAPHQL_PATH) return limited ?? this.live.guardGraphqlResponse(principal, await this.#graphql(request, principal));
    const camera = CAMERA_ROUTE.exec(pathname);
    if (camera) {
      if (limited) return limited;
      if (!principal) return unauthenticatedResponse(false);
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
      let id: string;
      try {
        id = decodeURIComponent(camera[1]!);
      } catch {
        return errorResponse(400, 'Malformed camera id');
      }
      const refusal = cameraRouteRefusal(principal.grant, id, (cameraId) => this.cameras.has(cameraId));
      if (refusal) return refusal;
      if (camera[2] === 'snapshot.jpg') {
        return snapshotResponse(request, this.stream, this.cameras, id, this.#context.snapshotWaitMs);
      }
      if (camera[2] === 'stream.mp4') return this.live.guardResponse(principal, await this.#mp4.respond(request, id));
      return this.live.guardResponse(principal, this.#mjpeg.respond(request, id));
    }
    if (pathname.startsWith('/cameras/')) return errorResponse(404, `Not found: ${pathname}`);
    const event = EVENT_ROUTE.exec(pathname);
    if (event) {
      if (limited) return limited;
      if (!principal) return unauthenticatedResponse(false);
      let id: string;
      try {
        id = decodeURIComponent(event[1]!);
      } catch {
        return errorResponse(400, 'Malformed event id');
      }
      const refusal = eventRouteRefusal(principal.grant);
      if (refusal) return refusal;
      return this.live.guardResponse(principal, await eventFileResponse(request, this.events, id, event[2]!, scopeFilter(principal.grant)));
    }
    if (pathname === '/healthz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
      if (limited) return limited;
      const health = healthResponse(this.stream, this.cameras, this.#startedAt, principal?.grant);
      if (principal) return health;
      // Without credentials: up or not, and nothing about the cameras.
      const { status } = (await health.json()) as { status: string };
      return Response.json({ status }, { headers: { 'Cache-Control': 'no-store' } });
    }
    // The links page lists only the cameras the caller may see (none without credentials when auth is on).
    return uiResponse(request, this.uiDir, () => this.links('', principal?.grant ?? (this.security.auth.enabled ? NO_GRANT : undefined)));
  }

  async #graphql(request: Request, principal: Principal | undefined): Promise<Response> {
    // GraphiQL (Yoga's own test: a browser's GET); its headers, like every page's, come from `fetch`.
    const page = wantsGraphiQL(request);
    if (!principal) {
      // A browser opening GraphiQL signs in first.
      if (page) return new Response(null, { status: 303, headers: { Location: `/sign-in?next=${encodeURIComponent(GRAPHQL_PATH)}`, 'Cache-Control': 'no-store' } });
      if (request.method !== 'OPTIONS') return unauthenticatedResponse(true);
    }
    // The page is a static asset: its CSP comes from the page, then it is encoded (routes/static-asset.ts).
    if (page) return graphiqlResponse(request);
    let limited: Request;
    try {
      limited = await this.#limitBody(request);
    } catch (error) {
      if (error instanceof BodyTooLarge) return bodyTooLargeResponse(error.limit);
      throw error;
    }
    return this.yoga.fetch(limited, { [PRINCIPAL_KEY]: principal });
  }

  /** The request with its body read, at most `limits.maxBodyBytes`. @throws {BodyTooLarge} */
  #limitBody(request: Request): Promise<Request> {
    return withLimitedBody(request, this.security.limits.maxBodyBytes);
  }

  /** Applies the state file's settings, field by field (a camera since removed is skipped), then follows every change. */
  async #restoreState(): Promise<void> {
    const writer = this.#state;
    if (!writer) return;
    const log = this.logger.child({ component: 'state' });
    const loaded = await loadState(writer.path);
    if (loaded.kind === 'corrupt') {
      log.error(
        { stateFile: writer.path, movedTo: loaded.movedTo },
        `the state file ${writer.path} is corrupt (${loaded.reason})${loaded.movedTo ? `: moved aside to ${loaded.movedTo}` : ''}; starting from the configured settings`,
      );
    } else if (loaded.kind === 'loaded') {
      for (const [key, value] of Object.entries(loaded.settings) as Array<[keyof StreamSettingsPatch, never]>) {
        try {
          this.stream.update({ [key]: value });
        } catch (error) {
          if (!(error instanceof InvalidSettings)) throw error;
          log.warn({ stateFile: writer.path, key }, `the state file's "${key}" is no longer valid (${error.message}): ignored`);
        }
      }
      log.info({ stateFile: writer.path, settings: this.stream.settings }, `settings restored from ${writer.path}`);
    }
    this.#offState = this.stream.on('settings', (settings) => writer.save(settings));
  }

  /**
   * Whether a WebSocket may be opened from a page of `origin` (the upgrade's
   * Origin header) to this server at `host` (its Host header). Browsers do
   * not apply CORS to WebSockets: without this, any site could drive the cameras.
   */
  allowsWebSocketOrigin(origin: string | undefined, host: string | undefined): boolean {
    return this.security.allowsOrigin(origin, host);
  }

  /**
   * graphql-ws options for an adapter's WebSocket on `/graphql`, and a count
   * of its running operations. `hooks` tell the connection checks what the
   * adapter knows of each connection (its upgrade's caller and address), and
   * supply its frame writer when the runtime has one.
   */
  graphqlWs<E extends Record<PropertyKey, unknown>>(hooks: GraphqlWsHooks<E>): GraphqlWsBinding<E> {
    const binding = graphqlWsBinding<E>(this.yoga, hooks.frameWriter, this.#graphqlWsCounts);
    return {
      ...binding,
      options: guardGraphqlWs(binding.options, this.security.auth, this.security.limits, hooks, this.live),
    };
  }

  /** The URLs people use, under `base` (e.g. `http://127.0.0.1:4000`); with `grant`, of its cameras only. */
  links(base: string, grant?: Grant): UiLinks & { readonly ui: string } {
    return {
      ui: `${base}/`,
      graphiql: `${base}${GRAPHQL_PATH}`,
      cameras: this.cameras.list().filter((camera) => grant === undefined || inScope(grant, camera.id)).map((camera) => ({
        id: camera.id,
        label: camera.label,
        mjpeg: `${base}/cameras/${encodeURIComponent(camera.id)}/stream.mjpeg`,
        snapshot: `${base}/cameras/${encodeURIComponent(camera.id)}/snapshot.jpg`,
      })),
    };
  }

  stats(): AppStats {
    return { subscriptions: this.subscriptions.stats(), mjpeg: this.#mjpeg.stats(), mp4: this.#mp4.stats(), serializations: this.#serializer.counts(), graphqlWsFrames: { ...this.#graphqlWsCounts.frames }, graphqlWsVideo: { ...this.#graphqlWsCounts.video } };
  }

  /** Completes every subscription and ends every stream response; the cameras keep running. */
  endSubscriptions(): void {
    this.subscriptions.close();
    this.eventHub.endAll();
  }

  /** Ends every subscription and releases every camera. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.subscriptions.close();
      this.eventHub.close();
      this.#offStatusLog?.();
      this.cameras.close();
      await this.#starting?.catch(() => {});
      this.#offState?.();
      await this.#state?.flush();
      await this.events?.close();
      await this.#sessionSync?.close();
      await this.stream.close();
      this.live.close();
      this.audit.close();
      this.access.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The event history, for a configuration with at least one camera detecting motion. */
  #createEvents(cameras: readonly CameraConfig[], options: AppOptions): Pick<ServerContext, 'events' | 'eventHub' | 'motionCameras'> {
    const motionCameras = new Set(cameras.filter((camera) => camera.motion).map((camera) => camera.id));
    const events = motionCameras.size > 0
      ? new EventService(this.stream, cameras, { ...options.events, dataDir: options.dataDir ?? options.events?.dataDir }, this.logger, this.eventHub)
      : undefined;
    return { events, eventHub: this.eventHub, motionCameras };
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
