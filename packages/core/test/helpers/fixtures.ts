/** The camera fixtures the behaviour suite runs with, one per backend. */
import type { BackendFixture } from './behaviour.ts';
import { makeVideo } from './media.ts';

export const syntheticFixture: BackendFixture = {
  cameras: async () => [
    { id: 'big', label: 'Big', source: 'synthetic:320x240@25' },
    { id: 'small', label: 'Small', source: 'synthetic:160x120@25' },
  ],
  size: { big: { width: 320, height: 240 }, small: { width: 160, height: 120 } },
  nativeFps: 25,
};

export const openCvFileFixture: BackendFixture = {
  cameras: async () => [
    { id: 'big', label: 'Big', source: makeVideo({ width: 320, height: 240, fps: 25, seconds: 4 }) },
    { id: 'small', label: 'Small', source: makeVideo({ width: 160, height: 120, fps: 25, seconds: 4 }) },
  ],
  size: { big: { width: 320, height: 240 }, small: { width: 160, height: 120 } },
  nativeFps: 25,
};
