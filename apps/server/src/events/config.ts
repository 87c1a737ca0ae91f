/**
 * The config of motion detection and recordings, checked key by key:
 *
 * ```json
 * {
 *   "dataDir": "servercam-data",
 *   "events": { "maxAgeDays": 30, "maxSizeMB": 2048, "preRollSeconds": 3, "clipMaxWidth": 1280, "clipFormat": "auto" },
 *   "cameras": [{ "id": "yard", "source": 0, "motion": { "sensitivity": 0.6, "minArea": 0.01, "quietSeconds": 3,
 *                 "mask": [{ "x": 0, "y": 0, "width": 0.3, "height": 0.1 }] } }]
 * }
 * ```
 * @module
 */
import { type MotionBox, type MotionConfig, resolveMotionConfig } from '@servercam/core';
import type { EventsOptions } from './service.ts';

type Problem = (key: string, message: string) => Error;

/** Where events, snapshots and clips are kept when no `dataDir` is given (relative to the working directory). */
export const DEFAULT_DATA_DIR = 'servercam-data';

const MOTION_KEYS = ['sensitivity', 'minArea', 'mask', 'quietSeconds', 'detectWidth', 'detectFps', 'engine'] as const;
const EVENTS_KEYS = ['maxAgeDays', 'maxSizeMB', 'preRollSeconds', 'clipMaxWidth', 'clipFormat'] as const;
const BOX_KEYS = ['x', 'y', 'width', 'height'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, allowed: readonly string[], at: string, problem: Problem, what: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw problem(`${at}.${key}`, `is not ${what} (use ${allowed.join(', ')})`);
  }
}

function number(value: unknown, key: string, problem: Problem, ok: (n: number) => boolean, rule: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw problem(key, `must be ${rule}, got ${JSON.stringify(value)}`);
  return value;
}

function box(value: unknown, key: string, problem: Problem): MotionBox {
  if (!isObject(value)) throw problem(key, 'must be a box { "x", "y", "width", "height" } in fractions of the frame (0 to 1)');
  unknownKeys(value, BOX_KEYS, key, problem, 'a box field');
  const [x, y, width, height] = BOX_KEYS.map((name) => {
    if (value[name] === undefined) throw problem(`${key}.${name}`, 'is missing');
    return number(value[name], `${key}.${name}`, problem, (n) => n >= 0 && n <= 1, 'a fraction of the frame from 0 to 1');
  }) as [number, number, number, number];
  return { x, y, width, height };
}

/** `cameras[i].motion`: `true` (the defaults) or an object of settings. */
export function checkMotion(value: unknown, at: string, problem: Problem): MotionConfig {
  if (value === true) return {};
  if (!isObject(value)) throw problem(at, 'must be true or an object, e.g. { "sensitivity": 0.5, "minArea": 0.005, "quietSeconds": 3 }');
  unknownKeys(value, MOTION_KEYS, at, problem, 'a motion setting');
  const motion: { -readonly [K in keyof MotionConfig]: MotionConfig[K] } = {};
  if (value['sensitivity'] !== undefined) {
    motion.sensitivity = number(value['sensitivity'], `${at}.sensitivity`, problem, (n) => n >= 0 && n <= 1, 'a number from 0 to 1');
  }
  if (value['minArea'] !== undefined) {
    motion.minArea = number(value['minArea'], `${at}.minArea`, problem, (n) => n > 0 && n < 1, 'a fraction of the frame between 0 and 1');
  }
  if (value['quietSeconds'] !== undefined) {
    motion.quietSeconds = number(value['quietSeconds'], `${at}.quietSeconds`, problem, (n) => n > 0 && n <= 3600, 'a number of seconds above 0');
  }
  if (value['detectWidth'] !== undefined) {
    motion.detectWidth = number(value['detectWidth'], `${at}.detectWidth`, problem, (n) => Number.isInteger(n) && n >= 32 && n <= 640, 'a whole number from 32 to 640');
  }
  if (value['detectFps'] !== undefined) {
    motion.detectFps = number(value['detectFps'], `${at}.detectFps`, problem, (n) => n > 0 && n <= 240, 'a number of analyses per second above 0, at most 240');
  }
  if (value['engine'] !== undefined) {
    const engine = value['engine'];
    if (engine !== 'auto' && engine !== 'opencv' && engine !== 'pure') throw problem(`${at}.engine`, `must be "auto", "opencv" or "pure", got ${JSON.stringify(engine)}`);
    motion.engine = engine;
  }
  if (value['mask'] !== undefined) {
    const mask = value['mask'];
    if (!Array.isArray(mask)) throw problem(`${at}.mask`, 'must be a list of boxes to ignore, e.g. [{ "x": 0, "y": 0, "width": 0.3, "height": 0.1 }]');
    motion.mask = mask.map((entry: unknown, index) => box(entry, `${at}.mask[${index}]`, problem));
  }
  // The core's own rules have the last word, so these checks cannot drift from them.
  try {
    resolveMotionConfig(motion);
  } catch (error) {
    throw problem(at, (error as Error).message);
  }
  return motion;
}

/** The top-level `events` object. */
export function checkEvents(value: unknown, problem: Problem): EventsOptions {
  if (!isObject(value)) throw problem('events', 'must be an object, e.g. { "maxAgeDays": 30, "maxSizeMB": 2048 }');
  unknownKeys(value, EVENTS_KEYS, 'events', problem, 'an events setting');
  const events: { -readonly [K in keyof EventsOptions]: EventsOptions[K] } = {};
  if (value['maxAgeDays'] !== undefined) {
    events.maxAgeDays = number(value['maxAgeDays'], 'events.maxAgeDays', problem, (n) => n >= 0, 'a number of days ≥ 0 (0 keeps events forever)');
  }
  if (value['maxSizeMB'] !== undefined) {
    events.maxBytes = number(value['maxSizeMB'], 'events.maxSizeMB', problem, (n) => n >= 0, 'a number of megabytes ≥ 0 (0: no limit)') * 1024 * 1024;
  }
  if (value['preRollSeconds'] !== undefined) {
    events.preRollSeconds = number(value['preRollSeconds'], 'events.preRollSeconds', problem, (n) => n >= 0 && n <= 30, 'a number of seconds from 0 to 30');
  }
  if (value['clipMaxWidth'] !== undefined) {
    events.clipMaxWidth = number(value['clipMaxWidth'], 'events.clipMaxWidth', problem, (n) => Number.isInteger(n) && n >= 16 && n <= 7680, 'a whole number from 16 to 7680');
  }
  if (value['clipFormat'] !== undefined) {
    const format = value['clipFormat'];
    if (format !== 'auto' && format !== 'mp4' && format !== 'avi' && format !== 'none') {
      throw problem('events.clipFormat', `must be "auto", "mp4", "avi" or "none", got ${JSON.stringify(format)}`);
    }
    events.clipFormat = format;
  }
  return events;
}
