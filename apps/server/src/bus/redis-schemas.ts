/**
 * The shapes of the Redis bus messages (redis-protocol.ts), checked with
 * valibot on arrival on both sides: anything else is a bad message, counted
 * and dropped (bad-messages.ts), never thrown. Every string, list and map has
 * a bound, and every number a range; an object loses the fields it does not
 * know (a newer peer may add some). A message's size is bounded before it is
 * parsed (redis-protocol.ts).
 * @module
 */
import { ErrorCode, MAX_FPS } from '@servercam/core';
import * as v from 'valibot';

/** Bounds of the wire format (docs/deploy.md, "Wire format"). */
export const BUS_LIMITS = {
  /** Bytes of a JSON message, before parsing. */
  stateBytes: 1024 * 1024,
  demandBytes: 256 * 1024,
  commandBytes: 16 * 1024,
  replyBytes: 16 * 1024,
  /** Bytes of a frame's JSON header. */
  frameHeaderBytes: 1024,
  /** Bytes of a whole frame message (header and JPEG). */
  frameBytes: 64 * 1024 * 1024,
  cameras: 1024,
  variantsPerCamera: 64,
  labelLength: 1024,
  messageLength: 4096,
  /** Pixels per side of a frame. */
  frameSide: 16_384,
  /** Bytes of a video message's JSON header. */
  videoHeaderBytes: 1024,
  /** Bytes of a whole video message (header, `avcC` and access unit). */
  videoBytes: 16 * 1024 * 1024,
  /** Bytes of an `avcC` record. */
  descriptionBytes: 64 * 1024,
} as const;

/** A camera id, as the config allows it. */
const CAMERA_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A capture node's, gateway's or command's id: a UUID, or anything as plain and short. */
const PEER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CODE = /^[A-Z_]{1,64}$/;

const cameraId = v.pipe(v.string(), v.maxLength(64), v.regex(CAMERA_ID));
const peerId = v.pipe(v.string(), v.maxLength(64), v.regex(PEER_ID));
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const epochMs = v.pipe(v.number(), v.finite(), v.minValue(0));
const rate = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(10_000));
const side = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(BUS_LIMITS.frameSide));
const message = v.pipe(v.string(), v.maxLength(BUS_LIMITS.messageLength));
/** A variant's key (`full`, `w320`, `h264:w640`...): a channel name's last part. */
const variantKey = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const SettingsSchema = v.object({
  paused: v.boolean(),
  fps: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_FPS)),
  quality: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)),
  activeCameraId: cameraId,
});

const CameraErrorSchema = v.object({
  code: v.picklist(Object.values(ErrorCode)),
  message,
  at: epochMs,
});

export const CameraSchema = v.object({
  id: cameraId,
  label: v.pipe(v.string(), v.maxLength(BUS_LIMITS.labelLength)),
  status: v.picklist(['idle', 'opening', 'live', 'paused', 'error']),
  error: v.nullish(CameraErrorSchema),
  width: v.nullish(side),
  height: v.nullish(side),
  measuredFps: rate,
  consumers: count,
  motion: v.boolean(),
});

export const StateSchema = v.object({
  type: v.literal('state'),
  node: peerId,
  at: epochMs,
  settings: SettingsSchema,
  cameras: v.pipe(v.array(CameraSchema), v.minLength(1), v.maxLength(BUS_LIMITS.cameras)),
});

const VariantSchema = v.object({
  maxWidth: v.optional(v.pipe(v.number(), v.integer(), v.minValue(16), v.maxValue(7680))),
  maxFps: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(MAX_FPS))),
});

const VariantsPerCamera = v.pipe(
  v.record(cameraId, v.pipe(v.array(VariantSchema), v.maxLength(BUS_LIMITS.variantsPerCamera))),
  v.maxEntries(BUS_LIMITS.cameras),
);

export const DemandSchema = v.object({
  type: v.literal('demand'),
  gateway: peerId,
  ttlMs: v.pipe(v.number(), v.finite(), v.minValue(0)),
  cameras: VariantsPerCamera,
  /** The H.264 variants per camera (absent from gateways that serve no video). */
  video: v.optional(VariantsPerCamera),
});

export const CommandSchema = v.object({
  type: v.literal('update'),
  id: peerId,
  gateway: peerId,
  // The values' ranges are the core's to judge (an INVALID_SETTINGS reply); their types are checked here.
  patch: v.strictObject({
    paused: v.optional(v.boolean()),
    fps: v.optional(v.number()),
    quality: v.optional(v.number()),
    activeCameraId: v.optional(v.pipe(v.string(), v.maxLength(64))),
  }),
});

export const ReplySchema = v.object({
  type: v.literal('reply'),
  id: peerId,
  settings: v.optional(SettingsSchema),
  error: v.optional(v.object({
    code: v.pipe(v.string(), v.regex(CODE)),
    message,
    field: v.optional(v.pipe(v.string(), v.maxLength(64))),
  })),
});

export const FrameHeaderSchema = v.object({
  cameraId,
  seq: count,
  capturedAt: epochMs,
  width: v.pipe(side, v.minValue(1)),
  height: v.pipe(side, v.minValue(1)),
  variant: variantKey,
  fps: rate,
});

/** The header of a video message (redis-video-protocol.ts): an access unit, or the variant's failure. */
export const VideoHeaderSchema = v.variant('kind', [
  v.object({
    kind: v.literal('chunk'),
    cameraId,
    /** The capture node's reader of this variant (new after each restart of it), and its message number: gaps and repeats show here. */
    stream: peerId,
    n: count,
    seq: count,
    capturedAt: epochMs,
    keyframe: v.boolean(),
    codec: v.pipe(v.string(), v.regex(/^avc1\.[0-9A-Fa-f]{6}$/)),
    width: v.pipe(side, v.minValue(1)),
    height: v.pipe(side, v.minValue(1)),
    variant: variantKey,
    /** Bytes of `avcC` between the header and the access unit (0: none). */
    descriptionBytes: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(BUS_LIMITS.descriptionBytes)),
  }),
  v.object({
    kind: v.literal('error'),
    cameraId,
    variant: variantKey,
    code: v.pipe(v.string(), v.regex(CODE)),
    message,
  }),
]);

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/**
 * `value` checked against `schema`: the output (unknown fields dropped), or a
 * short reason naming the first problem's path, what was expected and (cut
 * to 40 characters: it may be huge, or hostile) what came.
 */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, value, { abortEarly: true, abortPipeEarly: true });
  if (result.success) return { ok: true, value: result.output };
  const issue = result.issues[0];
  const path = (v.getDotPath(issue) ?? '(message)').slice(0, 120);
  if (issue.type === 'object' && issue.received === 'undefined') return { ok: false, reason: `${path}: missing` };
  const cut = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return { ok: false, reason: `${path}: expected ${cut(issue.expected ?? issue.type)}, got ${cut(issue.received)}` };
}
