// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { brokenCamera, liveCamera } from '../console/camera-fixtures.ts';
import type { Camera } from '../console/cameras.svelte.ts';
import type { Settings, SettingsPatch } from '../console/settings.svelte.ts';
import Controls from './Controls.svelte';

const settings: Settings = { paused: false, fps: 10, activeCameraId: 'synth', quality: 80 };
const cameras: Camera[] = [liveCamera({ width: 1280, height: 720, viewers: 2 }), brokenCamera()];

function setup(props: Partial<{ errors: Partial<Record<keyof Settings, string>>; enabled: boolean; onsnapshot: () => Promise<void>; control: boolean }> = {}) {
  const patches: SettingsPatch[] = [];
  render(Controls, {
    props: { settings, cameras, onchange: (patch: SettingsPatch) => patches.push(patch), onsnapshot: async () => {}, ...props },
  });
  return { patches };
}

describe('Controls', () => {
  it('has the five controls under their public accessible names', () => {
    setup();
    expect(screen.getByRole('switch', { name: 'Paused' })).toBeTruthy();
    expect(screen.getByRole('spinbutton', { name: 'FPS' })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Camera' })).toBeTruthy();
    expect(screen.getByRole('slider', { name: 'Quality' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Snapshot' })).toBeTruthy();
  });

  it('shows the shared settings', () => {
    setup();
    expect((screen.getByRole('switch', { name: 'Paused' }) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('spinbutton', { name: 'FPS' }) as HTMLInputElement).value).toBe('10');
    expect((screen.getByRole('combobox', { name: 'Camera' }) as HTMLSelectElement).value).toBe('synth');
    const quality = screen.getByRole('slider', { name: 'Quality' }) as HTMLInputElement;
    expect([quality.value, quality.min, quality.max]).toEqual(['80', '1', '100']);
  });

  it("lists every camera with its status", () => {
    setup();
    const options = screen.getAllByRole('option').map((option) => option.textContent?.trim());
    expect(options).toEqual(['Synthetic — live', 'Door — error']);
  });

  it('sends each change as a patch', async () => {
    const { patches } = setup();
    await fireEvent.click(screen.getByRole('switch', { name: 'Paused' }));
    const fps = screen.getByRole('spinbutton', { name: 'FPS' });
    await fireEvent.input(fps, { target: { value: '0' } });
    await fireEvent.change(fps);
    await fireEvent.change(screen.getByRole('combobox', { name: 'Camera' }), { target: { value: 'door' } });
    await fireEvent.change(screen.getByRole('slider', { name: 'Quality' }), { target: { value: '35' } });
    expect(patches).toEqual([{ paused: true }, { fps: 0 }, { activeCameraId: 'door' }, { quality: 35 }]);
  });

  it("shows the server's message next to the rejected control", () => {
    setup({ errors: { fps: 'fps must be 0 or more, got -1' } });
    const fps = screen.getByRole('spinbutton', { name: 'FPS' });
    expect(fps.getAttribute('aria-invalid')).toBe('true');
    const message = screen.getByRole('alert');
    expect(message.textContent).toBe('fps must be 0 or more, got -1');
    expect(fps.getAttribute('aria-describedby')?.split(' ')).toContain(message.id);
  });

  it('is disabled while the server is unreachable', () => {
    setup({ enabled: false });
    for (const role of ['switch', 'spinbutton', 'combobox', 'slider'] as const) {
      expect((screen.getByRole(role) as HTMLInputElement).disabled).toBe(true);
    }
  });

  it("shows why a snapshot failed", async () => {
    setup({ onsnapshot: async () => Promise.reject(new Error('No frame yet')) });
    await fireEvent.click(screen.getByRole('button', { name: 'Snapshot' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No frame yet');
  });

  it('shows only Snapshot to a principal without CONTROL', () => {
    setup({ control: false });
    for (const role of ['switch', 'spinbutton', 'combobox', 'slider'] as const) expect(screen.queryByRole(role)).toBeNull();
    expect(screen.getByRole('button', { name: 'Snapshot' })).toBeTruthy();
  });
});
