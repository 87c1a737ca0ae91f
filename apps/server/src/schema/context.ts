/**
 * What every resolver receives.
 * @module
 */
import type { AccessStore } from '../access/store.ts';
import type { AuditRecorder } from '../audit/record.ts';
import type { TransportMeter } from '../metrics/transport-meter.ts';
import type { FrameBus } from '../bus/bus.ts';
import type { CameraDirectory } from '../cameras.ts';
import type { EventHub } from '../events/hub.ts';
import type { EventService } from '../events/service.ts';
import type { FrameSerializer } from '../frames/serialize.ts';
import type { FrameFeedHandoff, Subscriptions } from '../subscriptions.ts';

export interface ServerContext {
  readonly stream: FrameBus;
  readonly cameras: CameraDirectory;
  readonly subscriptions: Subscriptions;
  /** This app's per-frame serializations (and their counts). */
  readonly serializer: FrameSerializer;
  /** How long a snapshot waits for the first frame of a camera that is not capturing yet. */
  readonly snapshotWaitMs: number;
  /** The motion event history; undefined when no camera detects motion. */
  readonly events?: EventService | undefined;
  /** Live changes of motion events. */
  readonly eventHub?: EventHub | undefined;
  /** The cameras with motion detection configured. */
  readonly motionCameras?: ReadonlySet<string> | undefined;
  /** Stored access tokens and share links. */
  readonly access?: AccessStore | undefined;
  /** The audit trail (audit/). */
  readonly audit?: AuditRecorder | undefined;
  /** Viewers, bytes and drops per camera and transport, for /metrics. */
  readonly meter?: TransportMeter | undefined;
}

/**
 * The context resolvers see: ours, plus what the transport adds. Over HTTP
 * `request` is the web Request, whose signal ends with the client's request.
 */
export type ResolverContext = ServerContext & FrameFeedContext & { readonly request?: { readonly signal?: AbortSignal | undefined } | undefined };

/**
 * Set by a transport that serves `frames` itself (transports/fast-frames.ts)
 * on the operation's context before it subscribes: the `frames` resolver
 * hands its feed there.
 */
export interface FrameFeedContext {
  frameFeed?: FrameFeedHandoff | undefined;
}
