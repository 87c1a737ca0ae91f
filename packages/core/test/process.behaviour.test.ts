// The same behaviour suite with capture in a supervised child process.
import { behaviourSuite } from './helpers/behaviour.ts';
import { openCvFileFixture, syntheticFixture } from './helpers/fixtures.ts';
import { describeOpenCv } from './helpers/opencv.ts';

behaviourSuite('synthetic backend, child process', syntheticFixture, undefined, { isolation: 'process' });
behaviourSuite('OpenCV backend on H.264 files, child process', openCvFileFixture, describeOpenCv, { isolation: 'process' });
