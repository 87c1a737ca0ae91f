/**
 * `@servercam/testing`: the private test kit of the workspace.
 * @module
 */
export { CHROMIUM_FLAGS, type ChromiumBinary, chromiumBinary, findChromium } from './chromium.ts';
export { killOwned, own } from './children.ts';
export { type CliExit, type CliOptions, type CliProcess, type HealthOptions, SERVER_CLI, spawnCli, startCli, waitForBanner, waitForHealth } from './cli.ts';
export { thrown } from './errors.ts';
export { fromBase64, jpegSize } from './jpeg.ts';
export { mediaTool } from './media.ts';
export { type MjpegPart, mjpegParts, multipartBoundary, parseMultipart } from './mjpeg.ts';
export { cvlcPictures, ffplayFrames, type Player, type PlayerRun, playerRequirement, PLAYERS, type ShownFrame } from './players.ts';
export { OPENCV_ENABLE, openCvRequirement, type OpenCvProbe, probeOpenCv } from './opencv-probe.mjs';
export { freePort } from './net.mjs';
export { REDIS_SERVER, redisRequirement, type RedisProcess, startRedis } from './redis.ts';
export { recordSkip, type Requirement, runOrSkip, SKIP_LOG_ENV } from './requirements.mjs';
export { cameraStats, encodesPerFrame, type HasCameraStats } from './stats.ts';
export { parseSse, parseSseBlock, type SseEvent, sseEvents } from './sse.ts';
export { type MotionVideoOptions, type VideoMaker, videoMaker, type VideoOptions } from './video.ts';
export { makeMotionVideo, makeVideo, mediaDir } from './videos.ts';
export { until } from './wait.ts';
