import { describe, expect, it } from 'vitest';
import { normalizeVariant, planVariants, snapWidth, variantKey, WIDTH_LADDER } from '@servercam/core';

const consumer = (maxWidth?: number, maxFps?: number) => ({ spec: normalizeVariant({ maxWidth, maxFps }) });
const keysOf = (plan: ReturnType<typeof planVariants>) => plan.demand.map((variant) => variant.key);
/** The key each consumer is routed to. */
function routeOf<C>(plan: { routes: Map<string, C[]> }, wanted: C): string | undefined {
  for (const [key, consumers] of plan.routes) if (consumers.includes(wanted)) return key;
  return undefined;
}

describe('the width ladder', () => {
  it('snaps a maxWidth up to the smallest step at least as wide', () => {
    expect(snapWidth(16)).toBe(96);
    expect(snapWidth(96)).toBe(96);
    expect(snapWidth(97)).toBe(160);
    expect(snapWidth(300)).toBe(320);
    expect(snapWidth(1281)).toBe(1600);
    expect(snapWidth(7680)).toBe(7680);
  });

  it('is what normalizeVariant and variantKey use', () => {
    expect(normalizeVariant({ maxWidth: 300, maxFps: 5 })).toEqual({ maxWidth: 320, maxFps: 5 });
    expect(variantKey({ maxWidth: 300 })).toBe('w320');
    expect(variantKey({ maxWidth: 301 })).toBe(variantKey({ maxWidth: 319 }));
  });

  it('gives 60 distinct widths at most as many keys as the ladder has steps', () => {
    const keys = new Set(Array.from({ length: 60 }, (_, i) => variantKey({ maxWidth: 16 + i * 128 })));
    expect(keys.size).toBeLessThanOrEqual(WIDTH_LADDER.length);
  });
});

describe('planVariants', () => {
  it('encodes the full size of the active camera with no consumer', () => {
    expect(keysOf(planVariants([], { full: true, sourceWidth: 1280, maxVariants: 4 }))).toEqual(['full']);
    expect(keysOf(planVariants([], { full: false, sourceWidth: 1280, maxVariants: 4 }))).toEqual([]);
  });

  it('thins the full size made for value to fullMaxFps while no consumer takes the full size', () => {
    const plan = planVariants([consumer(320), consumer(undefined, 5)], { full: true, fullMaxFps: 1, sourceWidth: 1280, maxVariants: 4 });
    expect(plan.demand).toEqual([{ key: 'f5', maxFps: 5 }, { key: 'full', maxFps: 1 }, { key: 'w320', maxWidth: 320 }]);
  });

  it('makes the full size every frame again for a consumer as wide as the camera', () => {
    const plan = planVariants([consumer(1920)], { full: true, fullMaxFps: 1, sourceWidth: 1280, maxVariants: 4 });
    expect(plan.demand).toEqual([{ key: 'full' }]);
  });

  it('keeps the full size for value thinned beside a full-width consumer with maxFps', () => {
    const plan = planVariants([consumer(undefined, 10)], { full: true, fullMaxFps: 1, sourceWidth: 1280, maxVariants: 4 });
    expect(plan.demand).toEqual([{ key: 'f10', maxFps: 10 }, { key: 'full', maxFps: 1 }]);
  });

  it('makes the full size every frame again for a consumer of it at the full rate', () => {
    const viewer = consumer();
    const plan = planVariants([consumer(320), viewer], { full: true, fullMaxFps: 1, sourceWidth: 1280, maxVariants: 4 });
    expect(plan.demand.find((variant) => variant.key === 'full')).toEqual({ key: 'full' });
    expect(routeOf(plan, viewer)).toBe('full');
  });

  it('treats a width at least the camera\'s as its full size', () => {
    const wide = consumer(1920);
    const plan = planVariants([wide], { full: true, sourceWidth: 1280, maxVariants: 4 });
    expect(keysOf(plan)).toEqual(['full']);
    expect(routeOf(plan, wide)).toBe('full');
  });

  it('keeps the snapped width while the camera\'s width is unknown', () => {
    const plan = planVariants([consumer(1900)], { full: false, sourceWidth: undefined, maxVariants: 4 });
    expect(keysOf(plan)).toEqual(['w1920']);
  });

  it('caps the distinct widths, full size included, first come first served', () => {
    const consumers = [consumer(320), consumer(640), consumer(160), consumer(960), consumer(480)];
    const plan = planVariants(consumers, { full: true, sourceWidth: 1920, maxVariants: 4 });
    expect(keysOf(plan)).toEqual(['full', 'w160', 'w320', 'w640']);
  });

  it('gives a consumer past the cap the nearest width already encoded: the smallest at least as wide, else the widest', () => {
    const [a, b, late, huge] = [consumer(320), consumer(640), consumer(480), consumer(1280)];
    const plan = planVariants([a, b, late, huge], { full: false, sourceWidth: 1920, maxVariants: 2 });
    expect(keysOf(plan)).toEqual(['w320', 'w640']);
    expect(routeOf(plan, late)).toBe('w640');
    expect(routeOf(plan, huge)).toBe('w640');
  });

  it('keeps each consumer\'s maxFps on the width it is given (one encode per width, thinned per rate)', () => {
    const [a, late] = [consumer(320, 5), consumer(160, 2)];
    const plan = planVariants([a, late], { full: true, sourceWidth: 1920, maxVariants: 2 });
    expect(routeOf(plan, a)).toBe('w320f5');
    expect(routeOf(plan, late)).toBe('w320f2');
    expect(new Set(plan.demand.map((variant) => variant.maxWidth))).toEqual(new Set([undefined, 320]));
  });

  it('gives the next consumer in line its own width when one leaves', () => {
    const [a, b] = [consumer(320), consumer(160)];
    const before = planVariants([a, b], { full: true, sourceWidth: 1920, maxVariants: 2 });
    expect(routeOf(before, b)).toBe('w320');
    const after = planVariants([b], { full: true, sourceWidth: 1920, maxVariants: 2 });
    expect(routeOf(after, b)).toBe('w160');
  });

  it('with perKey caps keys: the first rate of each width, then other rates while places are left', () => {
    const consumers = [consumer(undefined, 5), consumer(undefined, 7), consumer(320, 3), consumer(undefined, 9), consumer(320)];
    expect(keysOf(planVariants(consumers, { full: false, sourceWidth: 640, maxVariants: 2, perKey: true }))).toEqual(['f5', 'w320f3']);
    expect(keysOf(planVariants(consumers, { full: false, sourceWidth: 640, maxVariants: 3, perKey: true }))).toEqual(['f5', 'f7', 'w320f3']);
    expect(keysOf(planVariants(consumers, { full: false, sourceWidth: 640, maxVariants: 3 }))).toEqual(['f5', 'f7', 'f9', 'w320', 'w320f3']);
  });

  it('with perKey gives a consumer of a key past the cap the first key of its width', () => {
    const [a, b, c, d] = [consumer(undefined, 5), consumer(undefined, 7), consumer(320, 3), consumer(160)];
    const plan = planVariants([a, b, c, d], { full: false, sourceWidth: 640, maxVariants: 2, perKey: true });
    expect(routeOf(plan, b)).toBe('f5');
    expect(routeOf(plan, d)).toBe('w320f3');
    expect([...plan.routes.keys()].sort()).toEqual(keysOf(plan));
  });

  it('never plans more widths than the cap, whatever 60 consumers ask', () => {
    const consumers = Array.from({ length: 60 }, (_, i) => consumer(16 + i * 31, i % 7));
    for (const maxVariants of [1, 2, 4, 8]) {
      const plan = planVariants(consumers, { full: true, sourceWidth: 1920, maxVariants });
      expect(new Set(plan.demand.map((variant) => variant.maxWidth)).size).toBeLessThanOrEqual(maxVariants);
      expect([...plan.routes.values()].flat()).toHaveLength(60);
    }
  });
});
