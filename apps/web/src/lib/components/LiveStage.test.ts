// @vitest-environment jsdom
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ConnectionState } from '../graphql/connection.svelte.ts';
import { liveCamera } from '../console/camera-fixtures.ts';
import type { Camera } from '../console/cameras.svelte.ts';
import LiveStage from './LiveStage.svelte';
import type { FrameSource } from './frame-source.ts';

const camera: Camera = liveCamera({ status: 'OPENING', width: null, height: null, measuredFps: 0 });
/** A source that subscribes and never delivers: the stage has no frame. */
const silent: FrameSource = () => () => {};

function connected(): ConnectionState {
  const connection = new ConnectionState();
  connection.phase = 'connected';
  connection.connectedOnce = true;
  return connection;
}

function setup(props: { camera?: Camera; connection?: ConnectionState; paused?: boolean; formatNotice?: string }) {
  render(LiveStage, {
    props: {
      source: silent,
      formatNotice: props.formatNotice ?? null,
      connection: props.connection ?? connected(),
      camera: props.camera ?? camera,
      cameraById: () => props.camera ?? camera,
      paused: props.paused ?? false,
    },
  });
  return screen.getByRole('region', { name: 'Live view' });
}

describe('LiveStage', () => {
  it('says that no frame has come yet', () => {
    const stage = setup({});
    expect(screen.getByRole('alert').textContent).toContain('No frames yet');
    expect(stage.dataset['notice']).toBe('waiting');
  });

  it("shows a camera's error message and that it retries", () => {
    setup({
      camera: { ...camera, status: 'ERROR', error: { code: 'CANNOT_OPEN_CAMERA', message: 'Cannot open /missing.mp4', at: '2026-01-01T00:00:00Z' } },
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Cannot open /missing.mp4');
    expect(alert.textContent).toMatch(/retrying/i);
  });

  it('says the server is unreachable while reconnecting', () => {
    const connection = connected();
    connection.phase = 'reconnecting';
    setup({ connection });
    expect(screen.getByRole('alert').textContent).toContain('Server unreachable');
  });

  it("names the camera and offers fullscreen", () => {
    setup({ camera: { ...camera, status: 'LIVE', measuredFps: 29.97 } });
    expect(screen.getByText('Synthetic')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Fullscreen' })).toBeTruthy();
    expect(screen.getByText('30.0 fps')).toBeTruthy();
  });

  it('names the format it plays: JPEG without a video source', () => {
    const stage = setup({});
    expect(screen.getByText('Format').nextElementSibling?.textContent).toBe('JPEG');
    expect(screen.getByText(/kbit\/s$/).textContent).toBe('0 kbit/s');
    expect(stage.dataset['format']).toBe('jpeg');
  });

  it('says why it plays JPEG when H.264 failed', () => {
    setup({ formatNotice: 'No H.264 encoder (VIDEO_ENCODER_UNAVAILABLE)' });
    expect(screen.getByRole('status').textContent).toBe('Playing JPEG: No H.264 encoder (VIDEO_ENCODER_UNAVAILABLE)');
  });
});
