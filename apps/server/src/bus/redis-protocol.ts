/**
 * The messages between the capture node and the gateways over Redis pub/sub
 * (written down in docs/deploy.md, "Wire format"). Every channel starts with a
 * prefix (default `servercam`), so several deployments can share one Redis.
 *
 * - `P:frame:<cameraId>:<variant>`: frames, **binary** (see {@link encodeFrame}).
 * - `P:state`: the capture node's cameras and settings (JSON), on every change
 *   and once a second as its heartbeat; the last one is also kept in the key `P:state`.
 * - `P:demand`: each gateway's variants per camera (JSON), on change and every
 *   `ttlMs / 3`; the capture node forgets a gateway's demand after `ttlMs`.
 * - `P:command`: settings changes from gateways (JSON); the answer goes to `P:reply:<gatewayId>`.
 *
 * Delivery is Redis pub/sub's: at most once, newest frame. A lost frame is
 * simply not seen (its `seq` is skipped); nothing is retried or queued.
 * @module
 */
import { Buffer } from 'node:buffer';
import type { CameraInfo, Frame, SerializedError, StreamSettings, StreamSettingsPatch, VariantSpec } from '@servercam/core';

export const DEFAULT_PREFIX = 'servercam';

export interface Channels {
  readonly state: string;
  readonly demand: string;
  readonly command: string;
  reply(gatewayId: string): string;
  frame(cameraId: string, variant: string): string;
}

export function channels(prefix: string = DEFAULT_PREFIX): Channels {
  return {
    state: `${prefix}:state`,
    demand: `${prefix}:demand`,
    command: `${prefix}:command`,
    reply: (gatewayId) => `${prefix}:reply:${gatewayId}`,
    frame: (cameraId, variant) => `${prefix}:frame:${cameraId}:${variant}`,
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
  readonly error?: (Pick<SerializedError, 'code' | 'message'> & { readonly field?: string | undefined }) | undefined;
}

export function encodeJson(message: StateMessage | DemandMessage | UpdateCommand | UpdateReply): string {
  return JSON.stringify(message);
}

export function decodeJson<T extends { type: string }>(data: Buffer, type: T['type']): T | undefined {
  try {
    const message = JSON.parse(data.toString('utf8')) as T;
    return message && message.type === type ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Frames cross Redis as one binary message:
 * `"SCF"` (3 bytes) · version 1 (u8) · header length (u16 BE) · header (JSON, UTF-8) · the JPEG bytes.
 * The header holds `cameraId`, `seq`, `capturedAt`, `width`, `height`, `variant` and the camera's measured `fps`.
 */
const MAGIC = Buffer.from('SCF', 'latin1');
const VERSION = 1;

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
  const header = Buffer.from(
    JSON.stringify({
      cameraId: frame.cameraId,
      seq: frame.seq,
      capturedAt: frame.capturedAt,
      width: frame.width,
      height: frame.height,
      variant: frame.variant,
      fps,
    } satisfies FrameHeader),
    'utf8',
  );
  const out = Buffer.allocUnsafe(6 + header.byteLength + frame.data.byteLength);
  MAGIC.copy(out, 0);
  out.writeUInt8(VERSION, 3);
  out.writeUInt16BE(header.byteLength, 4);
  header.copy(out, 6);
  out.set(frame.data, 6 + header.byteLength);
  return out;
}

/** The frame in a message, its JPEG a view of `data` (no copy); `undefined` for anything else. */
export function decodeFrame(data: Buffer): { frame: Frame; fps: number } | undefined {
  if (data.byteLength < 6 || data.compare(MAGIC, 0, 3, 0, 3) !== 0 || data.readUInt8(3) !== VERSION) return undefined;
  const length = data.readUInt16BE(4);
  if (data.byteLength < 6 + length) return undefined;
  let header: FrameHeader;
  try {
    header = JSON.parse(data.toString('utf8', 6, 6 + length)) as FrameHeader;
  } catch {
    return undefined;
  }
  const frame: Frame = Object.freeze({
    cameraId: header.cameraId,
    seq: header.seq,
    capturedAt: header.capturedAt,
    width: header.width,
    height: header.height,
    mimeType: 'image/jpeg',
    data: new Uint8Array(data.buffer, data.byteOffset + 6 + length, data.byteLength - 6 - length),
    variant: header.variant,
  });
  return { frame, fps: header.fps };
}

/** The redis URL without its password, for logs and `/healthz`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
