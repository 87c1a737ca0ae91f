/**
 * Motion events as this browser sees them live (the `motionEvents`
 * subscription): the latest version of each event, and the toasts that
 * announce new ones.
 * @module
 */
import type { MotionEventFieldsFragment, MotionEventPhase } from '@servercam/schema/client';

export type MotionEvent = MotionEventFieldsFragment;

export interface Toast {
  readonly key: number;
  readonly event: MotionEvent;
  readonly cameraLabel: string;
}

/** How long a toast stays, in ms. */
export const TOAST_MS = 8000;
const MAX_TOASTS = 4;

export class EventFeed {
  /** Events changed live since this page loaded, by id, newest version. */
  readonly live = $state<Record<string, MotionEvent>>({});
  /** Bumped on every change, for pages that reload their list. */
  revision = $state(0);
  toasts = $state<Toast[]>([]);
  #nextKey = 1;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();

  /** One change from the subscription. A START makes a toast. */
  apply(phase: MotionEventPhase, event: MotionEvent, cameraLabel: string): void {
    this.live[event.id] = event;
    this.revision++;
    if (phase !== 'START') return;
    const toast: Toast = { key: this.#nextKey++, event, cameraLabel };
    this.toasts = [toast, ...this.toasts].slice(0, MAX_TOASTS);
    this.#timers.set(toast.key, setTimeout(() => this.dismiss(toast.key), TOAST_MS));
  }

  dismiss(key: number): void {
    clearTimeout(this.#timers.get(key));
    this.#timers.delete(key);
    this.toasts = this.toasts.filter((toast) => toast.key !== key);
  }

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.toasts = [];
  }
}

/** "12:03:45" in the browser's time zone. */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** An event's length in words: "4.2 s", "2 min 5 s", or "ongoing". */
export function eventLength(event: Pick<MotionEvent, 'startedAt' | 'endedAt'>): string {
  if (!event.endedAt) return 'ongoing';
  const seconds = Math.max(0, (Date.parse(event.endedAt) - Date.parse(event.startedAt)) / 1000);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * Where an event sits on a timeline from `from` to `to` (epoch ms), as
 * percentages; at least 0.6% wide so a short event stays visible.
 */
export function timelineSpan(event: Pick<MotionEvent, 'startedAt' | 'endedAt'>, from: number, to: number, now = Date.now()): { left: number; width: number } {
  const span = Math.max(1, to - from);
  const start = Math.min(Math.max(Date.parse(event.startedAt), from), to);
  const end = Math.min(Math.max(event.endedAt ? Date.parse(event.endedAt) : now, start), to);
  const left = ((start - from) / span) * 100;
  const width = Math.max(0.6, ((end - start) / span) * 100);
  return { left, width: Math.min(width, 100 - left) };
}
