/**
 * How docs/benchmarks.md writes its figures, for report.ts and
 * video-report.ts alike: a missing or non-finite figure is `–`.
 * @module
 */

/** One decimal. */
export const f1 = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1));

/** A fraction as a whole percentage. */
export const pct = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(0)}%`);

/** `a / b`, when both are known and `b` is positive. */
export const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) ? a / b : undefined;

/** A target met or missed; `–` when it was not measured. */
export const verdict = (ok: boolean | undefined): string => (ok === undefined ? '–' : ok ? '**met**' : '**missed**');
