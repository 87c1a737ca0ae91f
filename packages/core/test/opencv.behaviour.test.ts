import { behaviourSuite } from './helpers/behaviour.ts';
import { openCvFileFixture } from './helpers/fixtures.ts';
import { describeOpenCv } from './helpers/opencv.ts';

behaviourSuite('OpenCV backend on H.264 files, worker thread', openCvFileFixture, describeOpenCv);
