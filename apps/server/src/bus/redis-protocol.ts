/**
 * The messages between the capture node and the gateways over Redis pub/sub
 * (written down in docs/deploy.md, "Wire format"). Every channel starts with a
 * prefix (default `servercam`), so several deployments can share one Redis.
 *
 * - `P:frame:<cameraId>:<variant>`: frames, **binary** (see {@link encodeFrame}).
 * - `P:video:<cameraId>:<variant>`: H.264 access units, **binary** (redis-video-protocol.ts).
 * - `P:state`: the capture node's cameras and settings (JSON), on every change
 *   and once a second as its heartbeat; the last one is also kept in the key `P:state`.
 * - `P:demand`: each gateway's variants per camera (JSON), JPEG and H.264, on
 *   change and every `ttlMs / 3`; the capture node forgets a gateway's demand after `ttlMs`.
 * - `P:command`: settings changes from gateways (JSON); the answer goes to `P:reply:<gatewayId>`.
 *
 * Delivery is Redis pub/sub's: at most once, newest frame. A lost frame is
 * simply not seen (its `seq` is skipped); nothing is retried or queued.
 *
 * Every message is checked on arrival, on both sides (redis-schemas.ts): a
 * bad one is counted and dropped, never thrown (bad-messages.ts).
 * @module
 */
import { Buffer } from 'node:buffer';
import { type CameraInfo, type Frame, redactSecrets, type StreamSettings, type StreamSettingsPatch, type VariantSpec } from '@servercam/core';
import type * as v from 'valibot';
import { BUS_LIMITS, type Checked, check, CommandSchema, DemandSchema, FrameHeaderSchema, ReplySchema, StateSchema } from './redis-schemas.ts';

export const DEFAULT_PREFIX = 'servercam';

export interface Channels {
  readonly state: string;
  readonly demand: string;
  readonly command: string;
  reply(gatewayId: string): string;
  frame(cameraId: string, variant: string): string;
  /** `P:frame:`, the start of every frame channel. */
  readonly framePrefix: string;
  video(cameraId: string, variant: string): string;
  /** `P:video:`, the start of every video channel. */
  readonly videoPrefix: string;
}

export function channels(prefix: string = DEFAULT_PREFIX): Channels {
  const framePrefix = `${prefix}:frame:`;
  const videoPrefix = `${prefix}:video:`;
  return {
    state: `${prefix}:state`,
    demand: `${prefix}:demand`,
    command: `${prefix}:command`,
    reply: (gatewayId) => `${prefix}:reply:${gatewayId}`,
    frame: (cameraId, variant) => `${framePrefix}${cameraId}:${variant}`,
    framePrefix,
    video: (cameraId, variant) => `${videoPrefix}${cameraId}:${variant}`,
    videoPrefix,
  };
}

/** The capture node's view: published on change and as a heartbeat. */
export interface StateMessage {
  readonly type: 'state';
  /** The capture node's id (new at each start). */
  readonly node: string;
  readonly at: number;
  readonly settings: StreamSettings;
  readonly cameras: readonly CameraInfo[];
}

/** A gateway's demand: the variants it consumes, per camera id. An empty map withdraws it. */
export interface DemandMessage {
  readonly type: 'demand';
  readonly gateway: string;
  readonly ttlMs: number;
  readonly cameras: Readonly<Record<string, readonly VariantSpec[]>>;
  /** The H.264 variants it consumes, per camera id (absent: none). */
  readonly video?: Readonly<Record<string, readonly VariantSpec[]>> | undefined;
}

export interface UpdateCommand {
  readonly type: 'update';
  readonly id: string;
  readonly gateway: string;
  readonly patch: StreamSettingsPatch;
}

export interface UpdateReply {
  readonly type: 'reply';
  readonly id: string;
  readonly settings?: StreamSettings | undefined;
  /** `code`: the core's (`INVALID_SETTINGS`...) or `INTERNAL`. */
  readonly error?: { readonly code: string; readonly message: string; readonly field?: string | undefined } | undefined;
}

export function encodeJson(message: StateMessage | DemandMessage | UpdateCommand | UpdateReply): string {
  return JSON.stringify(message);
}

/** A JSON message of at most `maxBytes`, parsed; never throws. */
export function parseJson(data: Buffer, maxBytes: number): Checked<unknown> {
  if (data.byteLength > maxBytes) return { ok: false, reason: `too large (${data.byteLength} bytes, at most ${maxBytes})` };
  try {
    return { ok: true, value: JSON.parse(data.toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}

function decode<S extends v.GenericSchema>(data: Buffer, maxBytes: number, schema: S): Checked<v.InferOutput<S>> {
  const parsed = parseJson(data, maxBytes);
  return parsed.ok ? check(schema, parsed.value) : parsed;
}

/**
 * A capture node's state, checked: its shape, unique camera ids, the active
 * camera among them. Error messages are redacted again (a capture node of
 * another version may not have).
 */
export function decodeState(data: Buffer): Checked<StateMessage> {
  const checked = decode(data, BUS_LIMITS.stateBytes, StateSchema);
  if (!checked.ok) return checked;
  const { node, at, settings, cameras } = checked.value;
  const ids = new Set(cameras.map((camera) => camera.id));
  if (ids.size !== cameras.length) return { ok: false, reason: 'cameras: an id is used twice' };
  if (!ids.has(settings.activeCameraId)) return { ok: false, reason: 'settings.activeCameraId: not one of the cameras' };
  return {
    ok: true,
    value: {
      type: 'state',
      node,
      at,
      settings,
      cameras: cameras.map((camera) => ({
        ...camera,
        error: camera.error ? { ...camera.error, message: redactSecrets(camera.error.message) } : undefined,
        width: camera.width ?? undefined,
        height: camera.height ?? undefined,
      })),
    },
  };
}

export function decodeDemand(data: Buffer): Checked<DemandMessage> {
  return decode(data, BUS_LIMITS.demandBytes, DemandSchema);
}

export function decodeCommand(data: Buffer): Checked<UpdateCommand> {
  return decode(data, BUS_LIMITS.commandBytes, CommandSchema);
}

export function decodeReply(data: Buffer): Checked<UpdateReply> {
  return decode(data, BUS_LIMITS.replyBytes, ReplySchema);
}

/** `text` cut to at most `max` characters, an ellipsis marking the cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A camera as the state message carries it: label and error message cut to the wire format's bounds. */
export function boundedCamera(camera: CameraInfo): CameraInfo {
  return {
    ...camera,
    label: cut(camera.label, BUS_LIMITS.labelLength),
    error: camera.error && { ...camera.error, message: cut(camera.error.message, BUS_LIMITS.messageLength) },
  };
}

/**
 * The binary messages (frames, video) share one envelope:
 * magic (3 bytes) · version 1 (u8) · header length (u16 BE) · header (JSON, UTF-8) · the bodies.
 */
const ENVELOPE_VERSION = 1;

/** An envelope's kind: its 3 magic bytes, and its names in the reasons of a refusal. */
export interface EnvelopeMagic {
  readonly bytes: Buffer;
  /** `a frame`: "not a frame (no SCF magic)". */
  readonly noun: string;
  /** `frame`: "frame format version 2". */
  readonly format: string;
}

export interface EnvelopeLimits {
  /** Bytes of the whole message. */
  readonly maxBytes: number;
  /** Bytes of its JSON header. */
  readonly headerBytes: number;
  /** Bytes of body it has at least (fewer: truncated). */
  readonly minBodyBytes: number;
}

/** `header` and `bodies` in an envelope of kind `magic`. */
export function envelope(magic: EnvelopeMagic, header: object, ...bodies: Uint8Array[]): Buffer {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.allocUnsafe(6 + head.byteLength + bodies.reduce((sum, body) => sum + body.byteLength, 0));
  magic.bytes.copy(out, 0);
  out.writeUInt8(ENVELOPE_VERSION, 3);
  out.writeUInt16BE(head.byteLength, 4);
  head.copy(out, 6);
  let at = 6 + head.byteLength;
  for (const body of bodies) {
    out.set(body, at);
    at += body.byteLength;
  }
  return out;
}

/**
 * The header of an envelope of kind `magic`, checked: the message's size, its
 * magic and version, the header's size and shape (`schema`), its camera and
 * variant those of the channel it came on (`expected`); and where the body
 * starts in `data`. Never throws.
 */
export function openEnvelope<S extends v.GenericSchema<unknown, { readonly cameraId: string; readonly variant: string }>>(
  data: Buffer,
  magic: EnvelopeMagic,
  limits: EnvelopeLimits,
  schema: S,
  expected: { readonly cameraId: string; readonly variant: string },
): Checked<{ readonly header: v.InferOutput<S>; readonly bodyAt: number }> {
  if (data.byteLength > limits.maxBytes) return { ok: false, reason: `too large (${data.byteLength} bytes, at most ${limits.maxBytes})` };
  if (data.byteLength < 6 || data.compare(magic.bytes, 0, 3, 0, 3) !== 0) return { ok: false, reason: `not ${magic.noun} (no ${magic.bytes.toString('latin1')} magic)` };
  if (data.readUInt8(3) !== ENVELOPE_VERSION) return { ok: false, reason: `${magic.format} format version ${data.readUInt8(3)} (this gateway reads ${ENVELOPE_VERSION})` };
  const length = data.readUInt16BE(4);
  if (length > limits.headerBytes) return { ok: false, reason: `header too large (${length} bytes, at most ${limits.headerBytes})` };
  const bodyAt = 6 + length;
  if (data.byteLength < bodyAt + limits.minBodyBytes) return { ok: false, reason: 'truncated' };
  const checked = decode(data.subarray(6, bodyAt), limits.headerBytes, schema);
  if (!checked.ok) return { ok: false, reason: `header: ${checked.reason}` };
  const header = checked.value;
  if (header.cameraId !== expected.cameraId || header.variant !== expected.variant) {
    return { ok: false, reason: 'header: camera or variant other than its channel\'s' };
  }
  return { ok: true, value: { header, bodyAt } };
}

/**
 * Frames cross Redis as one binary message in an envelope (see {@link envelope}),
 * `"SCF"`, its body the JPEG bytes. The header holds `cameraId`, `seq`,
 * `capturedAt`, `width`, `height`, `variant` and the camera's measured `fps`.
 */
const FRAME_MAGIC: EnvelopeMagic = { bytes: Buffer.from('SCF', 'latin1'), noun: 'a frame', format: 'frame' };
const FRAME_LIMITS: EnvelopeLimits = { maxBytes: BUS_LIMITS.frameBytes, headerBytes: BUS_LIMITS.frameHeaderBytes, minBodyBytes: 2 };

export interface FrameHeader {
  readonly cameraId: string;
  readonly seq: number;
  readonly capturedAt: number;
  readonly width: number;
  readonly height: number;
  readonly variant: string;
  readonly fps: number;
}

export function encodeFrame(frame: Frame, fps: number): Buffer {
  const header: FrameHeader = {
    cameraId: frame.cameraId,
    seq: frame.seq,
    capturedAt: frame.capturedAt,
    width: frame.width,
    height: frame.height,
    variant: frame.variant,
    fps,
  };
  return envelope(FRAME_MAGIC, header, frame.data);
}

/**
 * The frame in a message, its JPEG a view of `data` (no copy), checked: the
 * header's shape and bounds, its camera and variant those of the channel it
 * came on (`expected`), and JPEG bytes after it.
 */
export function decodeFrame(data: Buffer, expected: { readonly cameraId: string; readonly variant: string }): Checked<{ frame: Frame; fps: number }> {
  const opened = openEnvelope(data, FRAME_MAGIC, FRAME_LIMITS, FrameHeaderSchema, expected);
  if (!opened.ok) return opened;
  const { header, bodyAt } = opened.value;
  if (data[bodyAt] !== 0xff || data[bodyAt + 1] !== 0xd8) return { ok: false, reason: 'not a JPEG after the header' };
  const frame: Frame = Object.freeze({
    cameraId: header.cameraId,
    seq: header.seq,
    capturedAt: header.capturedAt,
    width: header.width,
    height: header.height,
    mimeType: 'image/jpeg',
    data: new Uint8Array(data.buffer, data.byteOffset + bodyAt, data.byteLength - bodyAt),
    variant: header.variant,
  });
  return { ok: true, value: { frame, fps: header.fps } };
}
