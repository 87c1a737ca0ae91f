/**
 * The capture role (`servercam capture --redis URL`): opens the cameras,
 * publishes through Redis the frames the gateways consume, the cameras' status
 * and the shared settings, and applies the gateways' settings changes. Its
 * only HTTP route is `GET /healthz` (Redis connection, cameras, gateways),
 * behind the same Host allowlist as the gateways (security/host.ts): a page
 * of a rebound domain cannot read it.
 *
 * Its exposure follows serve's rule: it listens beyond loopback only with a
 * token configured, or `insecureNoAuth`. With tokens, `/healthz` tells its
 * detail only to a caller with `Authorization: Bearer <viewer or operator
 * token>`; anyone else gets `{ "status" }` alone.
 * @module
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type CameraConfig, type CaptureTuning, InvalidSettings, type ProcessSupervision, type StreamSettingsPatch } from '@servercam/core';
import { captureTuning, DEFAULT_CAMERAS, SERVER_VALUE_FPS } from '../app-options.ts';
import { configDefault } from '../config-schema.ts';
import { createInProcessBus } from '../bus/in-process.ts';
import { CaptureNode } from '../bus/capture-node.ts';
import { CameraDirectory } from '../cameras.ts';
import { silentLogger, type Logger } from '../logger.ts';
import { HostAllowlist, HostRefusalLog } from '../security/host.ts';
import { Authenticator, type AuthTokens, bearerToken } from '../security/auth.ts';
import { checkExposure } from '../security/exposure.ts';
import { toGraphQLCamera, toGraphQLSettings } from '../schema/mappers.ts';
import type { ListenInfo } from '../server.ts';
import { loadState, StateWriter } from '../state-file.ts';
import { checkRequestHead, clientErrorListener, endSocket, HEALTH_METHODS, isRefusal, methodRefusal, scopeOf, writeRefusal } from '../adapters/edge.ts';
import { pathForLog, requestScope } from '../process-guard.ts';

/** Only parses request targets: the capture node's answers name no URL. */
const HEALTH_ORIGIN = 'http://capture.invalid';

export interface CaptureServerOptions {
  readonly redisUrl: string;
  /** Channel prefix, to share one Redis between deployments (default `servercam`). */
  readonly redisPrefix?: string | undefined;
  readonly cameras?: readonly CameraConfig[] | undefined;
  readonly fps?: number | undefined;
  readonly quality?: number | undefined;
  readonly paused?: boolean | undefined;
  readonly tuning?: Partial<CaptureTuning> | undefined;
  /** Keep one H.264 encoder started ahead on the active camera (config `videoStandby`, default true). */
  readonly videoStandby?: boolean | undefined;
  readonly isolation?: 'worker' | 'process' | undefined;
  readonly supervision?: Partial<ProcessSupervision> | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly logger?: Logger | undefined;
  /** State heartbeat (ms, default 1000). */
  readonly heartbeatMs?: number | undefined;
  /** A JSON file that keeps the settings changed through any gateway across restarts of the capture node. */
  readonly stateFile?: string | undefined;
  /** Host names and addresses `/healthz` answers to besides loopback and the bound address (security/host.ts). */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Distinct widths encoded per camera, full size included (default 4; config `limits.maxVariantsPerCamera`). */
  readonly maxVariantsPerCamera?: number | undefined;
  /** Distinct H.264 variants encoded per camera (default 2; config `limits.maxVideoVariantsPerCamera`). */
  readonly maxVideoVariantsPerCamera?: number | undefined;
  /** The bound of each video variant's cached GOP, in bytes (default 8 MiB; config `limits.videoGopBytes`). */
  readonly videoGopBytes?: number | undefined;
  /** Tokens: either one makes `/healthz` tell its detail only to a caller with a token (docs/security.md). */
  readonly auth?: AuthTokens | undefined;
  /** Listen beyond loopback with no token: only on a trusted network. */
  readonly insecureNoAuth?: boolean | undefined;
  /** The least time between two warnings about bad Redis messages of one kind (ms, default 60 000). */
  readonly badMessageLogIntervalMs?: number | undefined;
}

export class CaptureServer implements AsyncDisposable {
  readonly stream;
  readonly cameras: CameraDirectory;
  #node: CaptureNode | undefined;
  readonly logger: Logger;
  readonly #options: CaptureServerOptions;
  readonly #startedAt = Date.now();
  readonly #auth: Authenticator;
  #http: Server | undefined;
  #state: StateWriter | undefined;
  #offState: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  readonly #hosts: HostAllowlist;
  #refusals: HostRefusalLog | undefined;

  constructor(options: CaptureServerOptions) {
    this.#options = options;
    this.logger = options.logger ?? silentLogger();
    this.#hosts = new HostAllowlist(options.allowedHosts);
    const cameras = options.cameras && options.cameras.length > 0 ? options.cameras : DEFAULT_CAMERAS;
    this.stream = createInProcessBus({
      cameras,
      fps: options.fps,
      quality: options.quality,
      paused: options.paused,
      tuning: captureTuning(options.tuning, options.videoStandby),
      valueFps: SERVER_VALUE_FPS,
      isolation: options.isolation,
      supervision: options.supervision,
      maxVariantsPerCamera: options.maxVariantsPerCamera,
      maxVideoVariantsPerCamera: options.maxVideoVariantsPerCamera,
      videoGopBytes: options.videoGopBytes,
    });
    this.cameras = new CameraDirectory(this.stream);
    this.#auth = new Authenticator(options.auth);
  }

  /** The Redis side; it exists once `listen()` has restored the settings (nothing is published before). */
  get node(): CaptureNode {
    if (!this.#node) throw new Error('The capture node is not started: call listen() first');
    return this.#node;
  }

  /** `GET /healthz`: the Redis connection, the cameras, the gateways being fed. */
  health(): Record<string, unknown> {
    const cameras = this.cameras.list().map((camera) => toGraphQLCamera(camera));
    if (!this.#node) return { status: 'starting', role: 'capture', cameras };
    return {
      status: cameras.some((camera) => camera.status === 'ERROR') || !this.node.health().redis?.connected ? 'degraded' : 'ok',
      role: 'capture',
      uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
      stream: toGraphQLSettings(this.stream.settings),
      cameras,
      bus: { ...this.node.health(), ...this.node.stats() },
    };
  }

  /**
   * Starts the capture, opens every camera, and listens for `/healthz`.
   * @throws {ExposureError} for a non-loopback `host` with no token and no `insecureNoAuth`.
   */
  async listen(port = this.#options.port ?? configDefault('port', 'capture')!, host = this.#options.host ?? configDefault('host', 'capture')!): Promise<ListenInfo> {
    checkExposure(host, this.#auth.enabled, this.#options.insecureNoAuth === true);
    this.#hosts.bind(host);
    this.#refusals ??= new HostRefusalLog(this.logger.child({ component: 'http' }));
    const http = createHttpServer((request, response) => {
      requestScope.run(scopeOf('request', request, request.socket), () => this.#respond(request, response));
    });
    http.on('clientError', clientErrorListener(HEALTH_METHODS));
    // CONNECT: answered on the raw socket (Node would drop it unanswered). An upgrade request (curl's h2c) has no
    // listener here, so Node hands it to the handler above as a plain request.
    http.on('connect', (request: IncomingMessage, socket: Socket) => {
      requestScope.run(scopeOf('connect', request, socket), () => endSocket(socket, 405, methodRefusal(HEALTH_METHODS)));
    });
    this.#http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    http.on('error', (error) => this.logger.error({ err: error }, 'HTTP server error'));
    await this.#restoreState();
    this.#node = new CaptureNode(this.stream, this.cameras, {
      redisUrl: this.#options.redisUrl,
      prefix: this.#options.redisPrefix,
      logger: this.logger,
      heartbeatMs: this.#options.heartbeatMs,
      badMessageLogIntervalMs: this.#options.badMessageLogIntervalMs,
    });
    await this.stream.start();
    void this.cameras.openAll();
    await this.#node.ready();
    const address = http.address() as AddressInfo;
    const shownHost = address.address.includes(':') ? `[${address.address}]` : address.address;
    return { host: address.address, port: address.port, url: `http://${shownHost}:${address.port}` };
  }

  /** `GET /healthz`, and a 4xx for anything else; never throws. */
  #respond(request: IncomingMessage, response: ServerResponse): void {
    try {
      const verdict = checkRequestHead(request, HEALTH_ORIGIN, HEALTH_METHODS);
      if (isRefusal(verdict)) {
        writeRefusal(response, verdict);
        return;
      }
      if (!this.#hosts.allows(request.headers.host)) {
        this.#refusals?.note(request.headers.host ?? '');
        const body = JSON.stringify({ error: 'Misdirected request: this node does not answer to that Host name (see allowedHosts / --allow-host)', code: 'FORBIDDEN_HOST' });
        response.writeHead(421, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', Connection: 'close' });
        response.end(body);
        return;
      }
      if (verdict.url.pathname === '/healthz') {
        const health = this.health();
        // Without a token (when tokens are set): up or not, and nothing about the cameras, Redis or gateways.
        const trusted = !this.#auth.enabled || this.#auth.roleOfToken(bearerToken(request.headers.authorization)) !== undefined;
        const body = JSON.stringify(trusted ? health : { status: health['status'] });
        response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
        return;
      }
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('This is a servercam capture node: it serves /healthz only. The API, streams and UI are on the gateways.\n');
    } catch (error) {
      this.logger.error({ err: error, method: request.method, path: pathForLog(request.url) }, 'request failed');
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"Internal server error"}');
      else response.destroy();
    }
  }

  /** The settings of the state file (field by field; a field no longer valid is skipped), then every change saved. */
  async #restoreState(): Promise<void> {
    const path = this.#options.stateFile;
    if (!path) return;
    const log = this.logger.child({ component: 'state' });
    const writer = new StateWriter(path, log);
    this.#state = writer;
    const loaded = await loadState(path);
    if (loaded.kind === 'corrupt') log.error({ stateFile: path }, `the state file ${path} is corrupt (${loaded.reason}); starting from the configured settings`);
    if (loaded.kind === 'loaded') {
      for (const [key, value] of Object.entries(loaded.settings) as Array<[keyof StreamSettingsPatch, never]>) {
        try {
          this.stream.update({ [key]: value });
        } catch (error) {
          if (!(error instanceof InvalidSettings)) throw error;
          log.warn({ stateFile: path, key }, `the state file's "${key}" is no longer valid (${error.message}): ignored`);
        }
      }
    }
    this.#offState = this.stream.on('settings', (settings) => writer.save(settings));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const http = this.#http;
      if (http) {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
      await this.#node?.close();
      this.#offState?.();
      await this.#state?.flush();
      this.cameras.close();
      await this.stream.close();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
