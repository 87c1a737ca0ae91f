import { motionSuite } from './helpers/motion.ts';
import { describeOpenCv } from './helpers/opencv.ts';

// Both analyzers on the same real H.264 videos (read through OpenCV).
motionSuite('opencv', describeOpenCv);
motionSuite('pure', describeOpenCv);
