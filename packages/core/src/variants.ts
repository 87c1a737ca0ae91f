/**
 * Which variants a camera encodes, and which one each consumer gets.
 *
 * Every distinct output width is one JPEG encode of every captured frame (a
 * `maxFps` only thins a variant: variants of one width share its encode; the
 * active camera's full size for `value` alone may be thinned, `fullMaxFps`).
 * So a camera encodes at most `maxVariants` distinct widths, its full size
 * included. Widths are granted first come, first served, so a newcomer never
 * takes a width away from those already watching; a consumer past the cap
 * gets the nearest width already encoded (the smallest one at least as wide
 * as it asked, else the widest), never a new encode. When consumers leave,
 * the next ones in line get their own width.
 * @module
 */
import { FULL_VARIANT, variantKey, type VariantSpec } from './frame.ts';
import type { VariantDemand } from './protocol.ts';

/** The default of `maxVariantsPerCamera`: full size plus three scaled widths. */
export const DEFAULT_MAX_VARIANTS = 4;

/** A consumer as the plan sees it: its request, `maxWidth` already snapped (normalizeVariant). */
export interface PlannedConsumer {
  readonly spec: VariantSpec;
}

export interface VariantPlanOptions {
  /** Whether the full size is encoded regardless of consumers (the active camera: `value`). */
  readonly full: boolean;
  /**
   * Thins that full size (`valueFps`) while no consumer takes it at the full
   * rate: one that does makes it every frame again.
   */
  readonly fullMaxFps?: number | undefined;
  /** The camera's width, once known: a `maxWidth` at least this wide is the full size. */
  readonly sourceWidth: number | undefined;
  /** Distinct widths encoded at most, full size included (≥ 1). */
  readonly maxVariants: number;
  /**
   * Cap keys, not only widths: for JPEG the rates of a width share its encode
   * (`maxFps` only thins), but each video variant is an encoder of its own.
   * Then at most `maxVariants` keys: the first of each granted width (in the
   * order consumers came), then other rates of those widths while places are
   * left; a consumer of a key past the cap gets the first key of its width
   * (at that key's rate, which may be higher than it asked).
   */
  readonly perKey?: boolean | undefined;
}

export interface VariantPlan<C extends PlannedConsumer> {
  /** What the capture side encodes, sorted by key. */
  readonly demand: VariantDemand[];
  /** The consumers of each demanded key. */
  readonly routes: Map<string, C[]>;
}

/** A width as planned: a number of pixels, or the full size. */
type Width = number | 'full';

/** Checks a `maxVariantsPerCamera` value. @throws {RangeError} */
export function checkMaxVariants(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 64) {
    throw new RangeError(`maxVariantsPerCamera must be a whole number from 1 to 64, got ${value}`);
  }
  return value;
}

/** Plans one camera's encodes for its consumers, in the order they came. */
export function planVariants<C extends PlannedConsumer>(consumers: Iterable<C>, options: VariantPlanOptions): VariantPlan<C> {
  const { sourceWidth, maxVariants } = options;
  const widthOf = (spec: VariantSpec): Width =>
    spec.maxWidth === undefined || (sourceWidth !== undefined && spec.maxWidth >= sourceWidth) ? 'full' : spec.maxWidth;
  const granted = new Set<Width>();
  if (options.full) granted.add('full');
  const list = [...consumers];
  for (const consumer of list) {
    const width = widthOf(consumer.spec);
    if (!granted.has(width) && granted.size < maxVariants) granted.add(width);
  }
  const demand = new Map<string, VariantDemand>();
  const routes = new Map<string, C[]>();
  /** The first key planned of each width, and (perKey) the places left for other rates. */
  const firstOfWidth = new Map<Width, string>();
  let otherRates = options.perKey ? maxVariants - granted.size : Number.POSITIVE_INFINITY;
  if (options.full) {
    demand.set(FULL_VARIANT, options.fullMaxFps ? { key: FULL_VARIANT, maxFps: options.fullMaxFps } : { key: FULL_VARIANT });
    firstOfWidth.set('full', FULL_VARIANT);
  }
  for (const consumer of list) {
    const wanted = widthOf(consumer.spec);
    const width = granted.has(wanted) ? wanted : nearest(granted, wanted);
    const spec: VariantSpec = {
      ...(width !== 'full' ? { maxWidth: width } : {}),
      ...(consumer.spec.maxFps !== undefined ? { maxFps: consumer.spec.maxFps } : {}),
    };
    let key = variantKey(spec);
    if (!demand.has(key)) {
      const first = firstOfWidth.get(width);
      if (first === undefined) firstOfWidth.set(width, key);
      else if (otherRates > 0) otherRates--;
      else key = first;
      if (!demand.has(key)) demand.set(key, { ...spec, key });
    }
    const route = routes.get(key);
    if (route) route.push(consumer);
    else routes.set(key, [consumer]);
  }
  // A consumer of the full size at the full rate: the thinned `value` becomes every frame.
  if (routes.has(FULL_VARIANT)) demand.set(FULL_VARIANT, { key: FULL_VARIANT });
  return { demand: [...demand.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)), routes };
}

/** The granted width nearest `wanted`: the smallest at least as wide, else the widest. */
function nearest(granted: ReadonlySet<Width>, wanted: Width): Width {
  const size = (width: Width): number => (width === 'full' ? Number.POSITIVE_INFINITY : width);
  let above: Width | undefined;
  let widest: Width | undefined;
  for (const width of granted) {
    if (size(width) >= size(wanted) && (above === undefined || size(width) < size(above))) above = width;
    if (widest === undefined || size(width) > size(widest)) widest = width;
  }
  // `granted` is never empty here: the first consumer is always granted.
  return above ?? widest!;
}
