// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { brokenCamera } from '../console/camera-fixtures.ts';
import type { Camera } from '../console/cameras.svelte.ts';
import CameraTile from './CameraTile.svelte';
import type { FrameSource } from './frame-source.ts';

const silent: FrameSource = () => () => {};
const broken = brokenCamera('Cannot open /missing.mp4');

describe('CameraTile', () => {
  it('shows the status and the last error with a retrying hint', () => {
    render(CameraTile, { props: { camera: broken, active: false, source: silent, onselect: () => {} } });
    expect(screen.getByText('Error')).toBeTruthy();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('CANNOT_OPEN_CAMERA');
    expect(alert.textContent).toContain('Cannot open /missing.mp4');
    expect(alert.textContent).toMatch(/retrying/i);
  });

  it('makes its camera active when clicked', async () => {
    const selected: string[] = [];
    render(CameraTile, { props: { camera: { ...broken, status: 'LIVE', error: null }, active: false, source: silent, onselect: (c: Camera) => selected.push(c.id) } });
    await fireEvent.click(screen.getByRole('button', { name: 'Make Door the active camera' }));
    expect(selected).toEqual(['door']);
  });

  it('marks the active camera', () => {
    render(CameraTile, { props: { camera: { ...broken, status: 'LIVE', error: null }, active: true, source: silent, onselect: () => {} } });
    expect(screen.getByRole('button', { name: 'Door (active camera)' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('is only a picture, not a button, when the principal may not select cameras', () => {
    render(CameraTile, { props: { camera: { ...broken, status: 'LIVE', error: null }, active: false, source: silent, onselect: () => {}, selectable: false } });
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.getByText('Door')).toBeTruthy();
  });
});
