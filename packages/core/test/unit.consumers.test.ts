import { afterEach, describe, expect, it } from 'vitest';
import { ConsumerRegistry, conflating, type ConsumerHost, Emitter, type Frame, sameSettings } from '@servercam/core';

/** A frame source of two cameras, `a` (640 wide) and `b`; `a` is active. What the registry tells it is kept in `changed`. */
function source(maxVariants = 4) {
  const state = { active: 'a', changed: [] as string[] };
  const host: ConsumerHost = {
    hasCamera: (id) => id === 'a' || id === 'b',
    activeCameraId: () => state.active,
    consumersChanged: (cameraId) => void state.changed.push(cameraId),
  };
  const registry = new ConsumerRegistry<{ status: string; settings: number }>(host, { maxVariants });
  const plan = () => ({
    a: registry.plan('a', { full: state.active === 'a', sourceWidth: 640 }).map((variant) => variant.key),
    b: registry.plan('b', { full: state.active === 'b', sourceWidth: 320 }).map((variant) => variant.key),
  });
  return { state, registry, plan };
}

let seq = 0;
function frame(cameraId: string, variant: string): Frame {
  return Object.freeze({ cameraId, seq: ++seq, capturedAt: Date.now(), width: 8, height: 8, mimeType: 'image/jpeg', data: new Uint8Array(2), variant });
}

/** Errors a listener threw, rethrown asynchronously by the registry (vitest leaves them to this listener while it is there). */
const uncaught: unknown[] = [];
const onUncaught = (error: unknown): void => void uncaught.push(error);
afterEach(() => {
  process.off('uncaughtException', onUncaught);
  uncaught.length = 0;
});

describe('ConsumerRegistry with valueFps', () => {
  /** A registry thinning the active camera `a`'s full size to 1 fps; the host's re-plans are counted. */
  function thinned() {
    const told = { valueListeners: 0 };
    const host: ConsumerHost = {
      hasCamera: (id) => id === 'a',
      activeCameraId: () => 'a',
      consumersChanged: () => {},
      valueListenersChanged: () => void told.valueListeners++,
    };
    const registry = new ConsumerRegistry<{ value: Frame; status: string }>(host, { maxVariants: 4, valueFps: 1 });
    const full = () => registry.plan('a', { full: true, sourceWidth: 640 }).find((variant) => variant.key === 'full');
    return { told, registry, full };
  }

  it('plans the active camera\'s full size at valueFps while nothing takes it at the full rate', () => {
    expect(thinned().full()).toEqual({ key: 'full', maxFps: 1 });
  });

  it('plans it every frame while a value listener is there, and tells the host as one comes and goes', () => {
    const { told, registry, full } = thinned();
    const off = registry.on('value', () => {});
    expect(told.valueListeners).toBe(1);
    expect(full()).toEqual({ key: 'full' });
    off();
    expect(told.valueListeners).toBe(2);
    expect(full()).toEqual({ key: 'full', maxFps: 1 });
  });

  it('does not tell the host of listeners of other events', () => {
    const { told, registry } = thinned();
    registry.on('status', () => {})();
    expect(told.valueListeners).toBe(0);
  });

  it('refuses a valueFps outside 0 to MAX_FPS', () => {
    const host: ConsumerHost = { hasCamera: () => true, activeCameraId: () => 'a', consumersChanged: () => {} };
    for (const valueFps of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1000]) {
      expect(() => new ConsumerRegistry(host, { maxVariants: 4, valueFps })).toThrow(RangeError);
    }
    expect(() => new ConsumerRegistry(host, { maxVariants: 4, valueFps: 0 })).not.toThrow();
  });
});

describe('ConsumerRegistry', () => {
  it('plans each camera for its consumers, the active one with its full size', () => {
    const { registry, plan } = source();
    registry.frames({ cameraId: 'b', maxWidth: 160 });
    registry.frames({ maxWidth: 300 });
    expect(plan()).toEqual({ a: ['full', 'w320'], b: ['w160'] });
  });

  it('hands a frame to the consumers planned for its camera and variant only', async () => {
    const { registry, plan } = source();
    const small = registry.frames({ cameraId: 'a', maxWidth: 320 });
    const other = registry.frames({ cameraId: 'b', maxWidth: 320 });
    plan();
    const sent = frame('a', 'w320');
    registry.deliver(frame('a', 'full'));
    registry.deliver(sent);
    expect(await small.next()).toEqual({ value: sent, done: false });
    // `b` at 320 is its full size: nothing was delivered for it.
    registry.close();
    expect((await other.next()).done).toBe(true);
  });

  it('routes a consumer past the variant cap to the nearest width already encoded', async () => {
    const { registry, plan } = source(2);
    registry.frames({ cameraId: 'a', maxWidth: 160 });
    const late = registry.frames({ cameraId: 'a', maxWidth: 480 });
    expect(plan().a).toEqual(['full', 'w160']);
    const sent = frame('a', 'full');
    registry.deliver(sent);
    expect((await late.next()).value).toBe(sent);
  });

  it('consumers without a camera follow the active one once planned again', () => {
    const { state, registry, plan } = source();
    registry.frames({ maxWidth: 160 });
    expect(registry.consumersOf('a')).toHaveLength(1);
    state.active = 'b';
    expect(registry.consumersOf('a')).toHaveLength(0);
    expect(plan()).toEqual({ a: [], b: ['full', 'w160'] });
  });

  it('counts viewers without background consumers', () => {
    const { registry } = source();
    registry.frames({ cameraId: 'a' });
    registry.subscribe({ cameraId: 'a', background: true }, () => {});
    expect(registry.consumersOf('a')).toHaveLength(2);
    expect(registry.viewers('a')).toBe(1);
  });

  it('tells its host which camera gained or lost a consumer', async () => {
    const { state, registry } = source();
    const frames = registry.frames({ cameraId: 'b' });
    const unsubscribe = registry.subscribe({}, () => {});
    await frames.return();
    unsubscribe();
    unsubscribe();
    expect(state.changed).toEqual(['b', 'a', 'b', 'a']);
  });

  it('refuses an unknown camera with a TypeError and adds nothing', () => {
    const { state, registry } = source();
    expect(() => registry.frames({ cameraId: 'nope' })).toThrow(TypeError);
    expect(() => registry.subscribe({ cameraId: 'nope' }, () => {})).toThrow(/Unknown camera "nope"/);
    expect(state.changed).toEqual([]);
  });

  it('an already aborted signal gives an ended iterator and adds no consumer', async () => {
    const { state, registry } = source();
    const frames = registry.frames({ cameraId: 'a', signal: AbortSignal.abort() });
    expect((await frames.next()).done).toBe(true);
    expect(registry.consumersOf('a')).toEqual([]);
    expect(state.changed).toEqual([]);
  });

  it('removes the consumer when its signal aborts', async () => {
    const { registry } = source();
    const controller = new AbortController();
    const frames = registry.frames({ cameraId: 'a', signal: controller.signal });
    controller.abort();
    expect((await frames.next()).done).toBe(true);
    expect(registry.consumersOf('a')).toEqual([]);
  });

  it('a busy subscriber gets the newest frame when done, and nothing after its unsubscribe', async () => {
    const { registry, plan } = source();
    const got: number[] = [];
    let release: () => void = () => {};
    const unsubscribe = registry.subscribe({ cameraId: 'b' }, (f) => {
      got.push(f.seq);
      return new Promise<void>((resolve) => (release = resolve));
    });
    plan();
    const [first, , third] = [frame('b', 'full'), frame('b', 'full'), frame('b', 'full')];
    for (const f of [first!, frame('b', 'full'), third!]) registry.deliver(f);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual([first!.seq, third!.seq]);
    // Held back while the third is in hand, then unsubscribed: never delivered.
    registry.deliver(frame('b', 'full'));
    unsubscribe();
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual([first!.seq, third!.seq]);
  });

  it('close ends every consumer, and ends later ones at once without telling the host', async () => {
    const { state, registry } = source();
    const frames = registry.frames({ cameraId: 'a' });
    state.changed.length = 0;
    registry.close();
    expect((await frames.next()).done).toBe(true);
    const late = registry.frames({ cameraId: 'a' });
    expect((await late.next()).done).toBe(true);
    registry.subscribe({ cameraId: 'a' }, () => {})();
    expect(state.changed).toEqual([]);
    expect(registry.closed).toBe(true);
  });

  it('a listener that throws stops neither the other listeners nor the emit; its error is rethrown asynchronously', async () => {
    process.on('uncaughtException', onUncaught);
    const { registry } = source();
    const bug = new Error('a bug in a listener');
    const seen: string[] = [];
    registry.on('status', () => {
      throw bug;
    });
    registry.on('status', (value) => void seen.push(value));
    registry.emit('status', 'one');
    registry.emit('status', 'two');
    expect(seen).toEqual(['one', 'two']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(uncaught).toEqual([bug, bug]);
  });

  it('clearListeners removes every listener; on returns its own unsubscribe', () => {
    const { registry } = source();
    const seen: number[] = [];
    const off = registry.on('settings', (value) => void seen.push(value));
    registry.emit('settings', 1);
    off();
    registry.emit('settings', 2);
    registry.on('settings', (value) => void seen.push(value));
    registry.clearListeners();
    registry.emit('settings', 3);
    expect(seen).toEqual([1]);
  });
});

describe('the pieces exported with it', () => {
  it('Emitter, conflating and sameSettings are the core\'s', async () => {
    const emitter = new Emitter<{ n: number }>();
    const seen: number[] = [];
    emitter.on('n', (n) => void seen.push(n));
    emitter.emit('n', 1);
    const delivery = conflating<number>((n) => void seen.push(n), () => {});
    delivery.push(2);
    delivery.close();
    delivery.push(3);
    expect(seen).toEqual([1, 2]);
    const settings = { paused: false, fps: 10, quality: 80, activeCameraId: 'a' };
    expect(sameSettings(settings, { ...settings })).toBe(true);
    expect(sameSettings(settings, { ...settings, quality: 70 })).toBe(false);
  });
});
