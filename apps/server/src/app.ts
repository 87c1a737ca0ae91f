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
import { LiveAccess } from './access/live.ts';
import { type Grant, NO_GRANT } from './access/principal.ts';
import { AccessStore } from './access/store.ts';
import { type AppOptions, captureOptions, DEFAULT_CAMERAS, REPO_UI_DIR } from './app-options.ts';
import type { AppStats, ClientInfo, GraphqlWsHooks, UpgradeDecision } from './app-types.ts';
import { AuditLog } from './audit/log.ts';
import { AuditRecorder, EXPIRY_CHECK_MS } from './audit/record.ts';
import type { FrameBus } from './bus/bus.ts';
import { createInProcessBus } from './bus/in-process.ts';
import { logStatusChanges } from './camera-status-log.ts';
import { CameraDirectory } from './cameras.ts';
import { EventHub } from './events/hub.ts';
import { EVENT_ROUTE } from './events/routes.ts';
import { type EventService, motionEvents } from './events/service.ts';
import { FrameSerializer } from './frames/serialize.ts';
import { silentLogger, type Logger } from './logger.ts';
import { AppMetrics } from './metrics/registry.ts';
import { METRICS_PATH, MetricsRoute } from './metrics/route.ts';
import { TransportMeter } from './metrics/transport-meter.ts';
import { CAMERA_ROUTE, cameraRouteResponse, type CameraRoutes } from './routes/camera.ts';
import { eventRouteResponse } from './routes/event.ts';
import { graphqlRouteResponse } from './routes/graphql.ts';
import { healthRouteResponse } from './routes/healthz.ts';
import { errorResponse, methodNotAllowed } from './routes/http.ts';
import { hasUi, type UiLinks, uiLinks, uiResponse } from './routes/ui.ts';
import type { ServerContext } from './schema/context.ts';
import { createServercamYoga, GRAPHQL_PATH, type ServercamYoga } from './schema/yoga.ts';
import { unauthenticatedResponse } from './security/auth.ts';
import { rateLimitedResponse } from './security/failed-auth.ts';
import { guardGraphqlWs } from './security/graphql-ws-guard.ts';
import { withSecurityHeaders } from './security/headers.ts';
import { HostRefusalLog, misdirectedResponse } from './security/host.ts';
import { Security } from './security/index.ts';
import { limitedRequest } from './security/limits.ts';
import { foreignOriginResponse, needsOriginCheck } from './security/origin.ts';
import { SESSION_PATH } from './security/session-cookie.ts';
import { NOT_FOUND_RAW, refusedUpgrade } from './security/upgrade-refusal.ts';
import { restoreState, StateWriter } from './state-file.ts';
import { Subscriptions } from './subscriptions.ts';
import { type GraphqlWsBinding, graphqlWsBinding } from './transports/graphql-ws.ts';
import { MjpegStreams } from './transports/mjpeg.ts';
import { Mp4Streams } from './transports/mp4.ts';

// The app's types and defaults, and its camera route, where they have always been imported from.
export { type AppOptions, DEFAULT_CAMERAS, REPO_UI_DIR } from './app-options.ts';
export type { AppStats, ClientInfo, GraphqlWsHooks, UpgradeDecision } from './app-types.ts';
export { CAMERA_ROUTE } from './routes/camera.ts';

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
  readonly #cameraRoutes: CameraRoutes;
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
    this.stream = options.bus ?? createInProcessBus(captureOptions(options, cameras));
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
      eventHub: this.eventHub,
      ...motionEvents(this.stream, cameras, { ...options.events, dataDir: options.dataDir ?? options.events?.dataDir }, this.logger, this.eventHub),
    };
    this.events = this.#context.events;
    this.live = new LiveAccess((grant) => this.security.auth.stillValid(grant), this.access);
    this.#cameraRoutes = { stream: this.stream, cameras: this.cameras, mjpeg: this.#mjpeg, mp4: this.#mp4, live: this.live, snapshotWaitMs: this.#context.snapshotWaitMs };
    this.#hostRefusals = new HostRefusalLog(this.logger.child({ component: 'http' }));
    this.metrics = new AppMetrics({ stream: this.stream, cameras: this.cameras, meter: this.#meter, subscriptions: () => this.subscriptions.stats() });
    this.#metricsRoute = new MetricsRoute(this.metrics, this.security.auth, options.metricsToken);
    this.yoga = createServercamYoga(this.#context, this.logger, [...this.security.allowedOrigins], this.security.limits, [this.metrics.yogaPlugin]);
    this.#sessionSync = options.sessionSync?.(this.security.auth.sessions);
    this.#state = options.stateFile ? new StateWriter(options.stateFile, this.logger.child({ component: 'state' })) : undefined;
    this.uiDir = options.uiDir === false ? undefined : (options.uiDir ?? REPO_UI_DIR);
    this.#offStatusLog = logStatusChanges(this.cameras, this.logger);
  }

  /** Starts capture of the active camera and opens every camera ahead of use. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      if (this.#state) this.#offState = await restoreState(this.#state, this.stream, this.logger);
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
      return refusedUpgrade(admission.status, admission.raw);
    }
    if (new URL(request.url).pathname !== GRAPHQL_PATH) {
      admission.upgrade.release();
      return refusedUpgrade(404, NOT_FOUND_RAW);
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
      const limitedBody = await limitedRequest(request, this.security.limits.maxBodyBytes);
      return limitedBody instanceof Response ? limitedBody : this.security.session.respond(limitedBody, principal, address);
    }
    if (pathname === GRAPHQL_PATH) {
      return limited ?? this.live.guardGraphqlResponse(principal, await graphqlRouteResponse(request, principal, this.yoga, this.security.limits.maxBodyBytes));
    }
    const camera = CAMERA_ROUTE.exec(pathname);
    if (camera) return limited ?? (principal ? cameraRouteResponse(request, camera, principal, this.#cameraRoutes) : unauthenticatedResponse(false));
    if (pathname.startsWith('/cameras/')) return errorResponse(404, `Not found: ${pathname}`);
    const event = EVENT_ROUTE.exec(pathname);
    if (event) return limited ?? (principal ? eventRouteResponse(request, event, principal, this.events, this.live) : unauthenticatedResponse(false));
    if (pathname === '/healthz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return methodNotAllowed(['GET', 'HEAD']);
      return limited ?? healthRouteResponse(this.stream, this.cameras, this.#startedAt, principal);
    }
    // The links page lists only the cameras the caller may see (none without credentials when auth is on).
    return uiResponse(request, this.uiDir, () => this.links('', principal?.grant ?? (this.security.auth.enabled ? NO_GRANT : undefined)));
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
    return uiLinks(base, this.cameras.list(), grant);
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
}
