import { behaviourSuite } from './helpers/behaviour.ts';
import { makeVideo } from './helpers/media.ts';
import { describeOpenCv } from './helpers/opencv.ts';

behaviourSuite(
  'OpenCV backend on H.264 files',
  {
    cameras: async () => [
      { id: 'big', label: 'Big', source: makeVideo({ width: 320, height: 240, fps: 25, seconds: 4 }) },
      { id: 'small', label: 'Small', source: makeVideo({ width: 160, height: 120, fps: 25, seconds: 4 }) },
    ],
    size: { big: { width: 320, height: 240 }, small: { width: 160, height: 120 } },
    nativeFps: 25,
  },
  describeOpenCv,
);
