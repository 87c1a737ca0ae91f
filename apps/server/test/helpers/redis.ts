/**
 * A real `redis-server` for the scale-out tests: skipped, loudly, where the
 * machine has none, unless SERVERCAM_REQUIRE_REDIS=1 (CI), where they fail instead.
 */
import { redisRequirement, runOrSkip } from '@servercam/testing';

export { REDIS_SERVER, type RedisProcess, startRedis } from '@servercam/testing';

export const hasRedis = runOrSkip(redisRequirement('@servercam/server'));
