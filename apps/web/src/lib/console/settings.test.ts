import { describe, expect, it } from 'vitest';
import { OperationError } from '../graphql/errors.ts';
import { SettingsModel, type Settings } from './settings.svelte.ts';

const initial: Settings = { paused: false, fps: 10, activeCameraId: 'synth', quality: 80 };

/** A send function the test answers by hand. */
function deferredSend() {
  const calls: { input: unknown; resolve: (settings: Settings) => void; reject: (error: unknown) => void }[] = [];
  const send = (input: unknown) => new Promise<Settings>((resolve, reject) => calls.push({ input, resolve, reject }));
  return { send, calls };
}

describe('SettingsModel', () => {
  it('shows a change at once, before the server answers', () => {
    const model = new SettingsModel();
    model.applyServer(initial);
    const { send, calls } = deferredSend();
    void model.change({ paused: true }, send);
    expect(model.current?.paused).toBe(true);
    expect(model.pending('paused')).toBe(true);
    expect(calls[0]?.input).toEqual({ paused: true });
  });

  it("takes the server's answer once it comes", async () => {
    const model = new SettingsModel();
    model.applyServer(initial);
    const { send, calls } = deferredSend();
    const done = model.change({ fps: 25 }, send);
    calls[0]?.resolve({ ...initial, fps: 25 });
    expect(await done).toBe(true);
    expect(model.server?.fps).toBe(25);
    expect(model.drafts).toEqual({});
  });

  it("goes back to the server's value and keeps its message when the change is rejected", async () => {
    const model = new SettingsModel();
    model.applyServer(initial);
    const { send, calls } = deferredSend();
    const done = model.change({ fps: -1 }, send);
    calls[0]?.reject(OperationError.fromGraphQL([{ message: 'fps must be 0 or more', extensions: { code: 'BAD_USER_INPUT' } }]));
    expect(await done).toBe(false);
    expect(model.current?.fps).toBe(10);
    expect(model.errors).toEqual({ fps: 'fps must be 0 or more' });
  });

  it("clears a field's message with its next change", async () => {
    const model = new SettingsModel();
    model.applyServer(initial);
    model.errors.quality = 'quality must be 1 to 100';
    await model.change({ quality: 50 }, async () => ({ ...initial, quality: 50 }));
    expect(model.errors).toEqual({});
  });

  it("follows other viewers' changes while this one has none pending", () => {
    const model = new SettingsModel();
    model.applyServer(initial);
    model.applyServer({ ...initial, paused: true, activeCameraId: 'file' });
    expect(model.current).toEqual({ ...initial, paused: true, activeCameraId: 'file' });
  });

  it('keeps the newest of two quick changes of one field', async () => {
    const model = new SettingsModel();
    model.applyServer(initial);
    const { send, calls } = deferredSend();
    const first = model.change({ quality: 40 }, send);
    const second = model.change({ quality: 60 }, send);
    calls[0]?.resolve({ ...initial, quality: 40 });
    await first;
    expect(model.current?.quality).toBe(60);
    calls[1]?.resolve({ ...initial, quality: 60 });
    await second;
    expect(model.current?.quality).toBe(60);
    expect(model.drafts).toEqual({});
  });
});
