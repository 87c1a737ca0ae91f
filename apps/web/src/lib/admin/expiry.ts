/**
 * Expiry choices of the admin page's forms: a few presets, "Never" (tokens
 * only), or a date and time picked in the browser's time zone.
 * @module
 */

export type ExpiryChoice = 'never' | '1h' | '1d' | '7d' | '30d' | 'custom';

export interface ExpiryOption {
  readonly value: ExpiryChoice;
  readonly text: string;
}

const HOUR = 3_600_000;
const DURATIONS: Partial<Record<ExpiryChoice, number>> = { '1h': HOUR, '1d': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR };

/** The presets; `never` only where an expiry may be left out. */
export function expiryOptions(allowNever: boolean): ExpiryOption[] {
  return [
    ...(allowNever ? [{ value: 'never', text: 'Never' } as const] : []),
    { value: '1h', text: 'In 1 hour' },
    { value: '1d', text: 'In 1 day' },
    { value: '7d', text: 'In 7 days' },
    { value: '30d', text: 'In 30 days' },
    { value: 'custom', text: 'On a date…' },
  ];
}

export type ExpiryResult = { readonly ok: true; readonly expiresAt: string | null } | { readonly ok: false; readonly message: string };

/**
 * The ISO time for a choice made at `now`: `null` for never, a preset's
 * offset, or `custom` (a `datetime-local` value, read in the browser's time
 * zone), which must be in the future.
 */
export function expiryFor(choice: ExpiryChoice, custom: string, now: number): ExpiryResult {
  if (choice === 'never') return { ok: true, expiresAt: null };
  const offset = DURATIONS[choice];
  if (offset !== undefined) return { ok: true, expiresAt: new Date(now + offset).toISOString() };
  if (custom.trim() === '') return { ok: false, message: 'Pick a date and time for the expiry.' };
  const at = new Date(custom).getTime();
  if (!Number.isFinite(at)) return { ok: false, message: 'The expiry is not a valid date.' };
  if (at <= now) return { ok: false, message: 'The expiry must be in the future.' };
  return { ok: true, expiresAt: new Date(at).toISOString() };
}

/** A time as the tables show it: local date and time, or `none` when there is none. */
export function formatTime(iso: string | null | undefined, none = '—'): string {
  if (!iso) return none;
  const date = new Date(iso);
  if (!Number.isFinite(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Whether `iso` is at or before `now`. */
export function isPast(iso: string | null | undefined, now: number): boolean {
  if (!iso) return false;
  const at = new Date(iso).getTime();
  return Number.isFinite(at) && at <= now;
}
