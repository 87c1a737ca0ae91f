import { behaviourSuite } from './helpers/behaviour.ts';

behaviourSuite('synthetic backend', {
  cameras: async () => [
    { id: 'big', label: 'Big', source: 'synthetic:320x240@25' },
    { id: 'small', label: 'Small', source: 'synthetic:160x120@25' },
  ],
  size: { big: { width: 320, height: 240 }, small: { width: 160, height: 120 } },
  nativeFps: 25,
});
