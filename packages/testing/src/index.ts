/**
 * `@servercam/testing`: the private test kit of the workspace.
 * @module
 */
export { CHROMIUM_FLAGS, type ChromiumBinary, chromiumBinary, findChromium } from './chromium.ts';
export { killOwned, own } from './children.ts';
export { mediaTool } from './media.ts';
export { openCvRequirement } from './opencv.ts';
export { freePort } from './net.ts';
export { REDIS_SERVER, redisRequirement, type RedisProcess, startRedis } from './redis.ts';
export { type Requirement, runOrSkip, SKIP_LOG_ENV } from './requirements.ts';
