/**
 * `@servercam/testing`: the private test kit of the workspace.
 * @module
 */
export { CHROMIUM_FLAGS, type ChromiumBinary, chromiumBinary, findChromium } from './chromium.ts';
export { killOwned, own } from './children.ts';
export { type CliExit, type CliOptions, type CliProcess, type HealthOptions, SERVER_CLI, spawnCli, startCli, waitForBanner, waitForHealth } from './cli.ts';
export { fromBase64, jpegSize } from './jpeg.ts';
export { mediaTool } from './media.ts';
export { type MjpegPart, mjpegParts, multipartBoundary, parseMultipart } from './mjpeg.ts';
export { openCvRequirement } from './opencv.ts';
export { freePort } from './net.ts';
export { REDIS_SERVER, redisRequirement, type RedisProcess, startRedis } from './redis.ts';
export { type Requirement, runOrSkip, SKIP_LOG_ENV } from './requirements.ts';
export { parseSse, parseSseBlock, type SseEvent, sseEvents } from './sse.ts';
export { type MotionVideoOptions, type VideoMaker, videoMaker, type VideoOptions } from './video.ts';
export { makeMotionVideo, makeVideo, mediaDir } from './videos.ts';
export { until } from './wait.ts';
