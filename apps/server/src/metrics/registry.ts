/**
 * The metrics of one app, in a prom-client registry of its own (never the
 * global one: tests run several apps in a process). Everything is read at
 * scrape time: {@link AppMetrics.text} takes one snapshot of the cameras, the
 * capture's stats, the transport meter and the bus, then the collectors
 * (`collect()`) copy it into their metrics. The GraphQL side is
 * `@graphql-yoga/plugin-prometheus` on the same registry.
 *
 * The names (docs/deploy.md lists them): `servercam_camera_*` per camera,
 * `servercam_viewers`, `servercam_bytes_sent_total`,
 * `servercam_frames_dropped_total` per camera and transport,
 * `servercam_bus_*` for the Redis roles, `graphql_envelop_*` for GraphQL.
 * Labels hold configured ids and fixed words only, never client input.
 * @module
 */
import { type CameraInfo, type CameraStats, ENCODE_MS_BUCKETS } from '@servercam/core';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { Counter, Gauge, Histogram, type MetricObjectWithValues, type MetricType, type MetricValueWithName, Registry } from 'prom-client';
import type { Plugin } from 'graphql-yoga';
import type { BusHealth, FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import type { SubscriptionStats } from '../subscriptions.ts';
import type { TransportMeter } from './transport-meter.ts';

export interface MetricsSources {
  readonly stream: FrameBus;
  readonly cameras: CameraDirectory;
  readonly meter: TransportMeter;
  readonly subscriptions: () => SubscriptionStats;
}

interface Snapshot {
  readonly at: number;
  readonly cameras: readonly CameraInfo[];
  readonly stats: ReadonlyMap<string, CameraStats>;
  readonly transports: ReturnType<TransportMeter['snapshot']>;
  readonly subscriptions: SubscriptionStats;
  readonly health: BusHealth | undefined;
}

const EMPTY: Snapshot = { at: 0, cameras: [], stats: new Map(), transports: [], subscriptions: { frames: 0, video: 0, streamSettings: 0, cameraStatus: 0, framesDropped: 0, videoChunksDropped: 0 }, health: undefined };

/** A histogram whose buckets are counted elsewhere (the capture side's encode times): its values are the snapshot's. */
class EncodeHistogram extends Histogram<'camera'> {
  readonly #read: () => Snapshot;

  constructor(registry: Registry, read: () => Snapshot) {
    super({ name: 'servercam_camera_encode_ms', help: 'Time of each JPEG encode on the capture side, ms', labelNames: ['camera'], buckets: [...ENCODE_MS_BUCKETS], registers: [registry] });
    this.#read = read;
  }

  /** What the registry reads for the text format (prom-client's Histogram serves it from its own buckets). */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<'camera'>>> {
    return this.get();
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<'camera'>>> {
    const values: Array<MetricValueWithName<'camera' | 'le'>> = [];
    const name = 'servercam_camera_encode_ms';
    for (const [camera, stats] of this.#read().stats) {
      const timing = stats.encodeMs;
      if (!timing) continue;
      ENCODE_MS_BUCKETS.forEach((le, index) => values.push({ metricName: `${name}_bucket`, labels: { camera, le }, value: timing.buckets[index] ?? 0 }));
      values.push({ metricName: `${name}_bucket`, labels: { camera, le: '+Inf' }, value: timing.count });
      values.push({ metricName: `${name}_sum`, labels: { camera }, value: timing.sumMs });
      values.push({ metricName: `${name}_count`, labels: { camera }, value: timing.count });
    }
    // prom-client's own histograms report their type as this string (its MetricType is a declared enum only).
    return { name, help: 'Time of each JPEG encode on the capture side, ms', type: 'histogram' as unknown as MetricType, aggregator: 'sum', values } as MetricObjectWithValues<MetricValueWithName<'camera'>>;
  }
}

export class AppMetrics {
  readonly registry = new Registry();
  /** GraphQL queries and mutations, their duration and errors (labels: operation type and phase; never the client's operation names). Live subscriptions: servercam_subscriptions. */
  readonly yogaPlugin: Plugin;
  readonly #sources: MetricsSources;
  #snapshot: Snapshot = EMPTY;

  constructor(sources: MetricsSources) {
    this.#sources = sources;
    const registers = [this.registry];
    const read = (): Snapshot => this.#snapshot;
    this.yogaPlugin = usePrometheus({
      registry: this.registry,
      endpoint: false,
      skipIntrospection: true,
      labels: { operationName: false, fieldName: false, typeName: false, returnType: false, path: false },
      metrics: {
        graphql_envelop_request: true,
        graphql_envelop_request_duration: true,
        graphql_envelop_error_result: true,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_phase_parse: false,
        graphql_envelop_phase_validate: false,
        graphql_envelop_phase_context: false,
        graphql_envelop_phase_execute: false,
        graphql_envelop_phase_subscribe: false,
        graphql_envelop_deprecated_field: false,
        graphql_envelop_schema_change: false,
        graphql_envelop_execute_resolver: false,
        graphql_yoga_http_duration: false,
      },
    });

    new Gauge({
      name: 'servercam_camera_capture_fps', help: 'Measured capture rate per camera, frames per second', labelNames: ['camera'], registers,
      collect() {
        this.reset();
        for (const camera of read().cameras) this.set({ camera: camera.id }, camera.measuredFps);
      },
    });
    new Gauge({
      name: 'servercam_camera_up', help: '1 while the camera is live or paused, else 0', labelNames: ['camera'], registers,
      collect() {
        this.reset();
        for (const camera of read().cameras) this.set({ camera: camera.id }, camera.status === 'live' || camera.status === 'paused' ? 1 : 0);
      },
    });
    new Counter({
      name: 'servercam_camera_frames_captured_total', help: 'Frames read from the source, per camera (capture in this host)', labelNames: ['camera'], registers,
      collect() {
        this.reset();
        for (const [camera, stats] of read().stats) this.inc({ camera }, stats.captured);
      },
    });
    new Counter({
      name: 'servercam_camera_encodes_total', help: 'JPEG encodes, per camera (capture in this host)', labelNames: ['camera'], registers,
      collect() {
        this.reset();
        for (const [camera, stats] of read().stats) this.inc({ camera }, stats.encodes);
      },
    });
    new EncodeHistogram(this.registry, read);
    new Gauge({
      name: 'servercam_camera_frame_age_seconds', help: "Age of the camera's newest full-size frame here (the lag behind capture, through Redis on a gateway; up to 1 s while no viewer takes the full size)", labelNames: ['camera'], registers,
      collect() {
        this.reset();
        const snapshot = read();
        for (const camera of snapshot.cameras) {
          const latest = sources.stream.latest(camera.id);
          if (latest) this.set({ camera: camera.id }, Math.max(0, (snapshot.at - latest.capturedAt) / 1000));
        }
      },
    });
    new Gauge({
      name: 'servercam_viewers', help: 'Clients watching, per camera and transport (mjpeg, mp4, graphql-ws, sse)', labelNames: ['camera', 'transport'], registers,
      collect() {
        this.reset();
        for (const row of read().transports) this.set({ camera: row.cameraId, transport: row.transport }, row.viewers);
      },
    });
    new Counter({
      name: 'servercam_bytes_sent_total', help: 'Frame bytes sent, per camera and transport (MJPEG parts; MP4; the JPEG or H.264 as base64 over GraphQL)', labelNames: ['camera', 'transport'], registers,
      collect() {
        this.reset();
        for (const row of read().transports) this.inc({ camera: row.cameraId, transport: row.transport }, Math.max(0, row.bytes));
      },
    });
    new Counter({
      name: 'servercam_frames_dropped_total', help: "Frames (H.264 chunks) a transport skipped for a slow client (its socket was full), per camera and transport", labelNames: ['camera', 'transport'], registers,
      collect() {
        this.reset();
        for (const row of read().transports) this.inc({ camera: row.cameraId, transport: row.transport }, row.dropped);
      },
    });
    new Gauge({
      name: 'servercam_subscriptions', help: 'Live GraphQL subscriptions by kind', labelNames: ['kind'], registers,
      collect() {
        this.reset();
        const { frames, video, streamSettings, cameraStatus } = read().subscriptions;
        this.set({ kind: 'frames' }, frames);
        this.set({ kind: 'video' }, video);
        this.set({ kind: 'streamSettings' }, streamSettings);
        this.set({ kind: 'cameraStatus' }, cameraStatus);
      },
    });
    new Counter({
      name: 'servercam_subscription_frames_conflated_total', help: 'Frames replaced by a newer one before a slow subscriber read them', registers,
      collect() {
        this.reset();
        this.inc(read().subscriptions.framesDropped);
      },
    });
    this.#busMetrics(registers, read);
  }

  /** The metrics, in Prometheus's text format. */
  async text(): Promise<string> {
    const { stream, cameras, meter, subscriptions } = this.#sources;
    let stats: CameraStats[] = [];
    try {
      stats = await stream.stats();
    } catch {
      // The capture is away (restarting): no capture counters in this scrape.
    }
    this.#snapshot = {
      at: Date.now(),
      cameras: cameras.list(),
      stats: new Map(stats.map((entry) => [entry.cameraId, entry])),
      transports: meter.snapshot(),
      subscriptions: subscriptions(),
      health: stream.health?.(),
    };
    try {
      return await this.registry.metrics();
    } finally {
      this.#snapshot = EMPTY;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Redis roles: the connection, the capture node as a gateway hears it, bad messages. */
  #busMetrics(registers: Registry[], read: () => Snapshot): void {
    new Gauge({
      name: 'servercam_bus_redis_connected', help: '1 while the Redis connection is ready (Redis roles only)', labelNames: ['bus'], registers,
      collect() {
        this.reset();
        const redis = read().health?.redis;
        if (redis) this.set({ bus: 'redis' }, redis.connected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'servercam_bus_capture_node_reachable', help: 'A gateway: 1 while the capture node is heard', labelNames: ['bus'], registers,
      collect() {
        this.reset();
        const node = read().health?.captureNode;
        if (node) this.set({ bus: 'redis' }, node.reachable ? 1 : 0);
      },
    });
    new Gauge({
      name: 'servercam_bus_capture_node_last_seen_seconds', help: "A gateway: seconds since the capture node's last state (its lag)", labelNames: ['bus'], registers,
      collect() {
        this.reset();
        const snapshot = read();
        const seen = snapshot.health?.captureNode?.lastSeenAt;
        if (seen) this.set({ bus: 'redis' }, Math.max(0, (snapshot.at - Date.parse(seen)) / 1000));
      },
    });
    new Gauge({
      name: 'servercam_bus_gateways', help: 'A capture node: gateways whose frame demand is current', labelNames: ['bus'], registers,
      collect() {
        this.reset();
        const gateways = read().health?.gateways;
        if (gateways !== undefined) this.set({ bus: 'redis' }, gateways);
      },
    });
    new Counter({
      name: 'servercam_bus_bad_messages_total', help: 'Redis messages dropped as malformed', labelNames: ['bus'], registers,
      collect() {
        this.reset();
        const bad = read().health?.badMessages;
        if (bad) this.inc({ bus: 'redis' }, bad.total);
      },
    });
  }
}
