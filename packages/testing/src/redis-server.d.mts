import type { ChildProcess } from 'node:child_process';

/** `SERVERCAM_REDIS_SERVER`, else /usr/bin/redis-server. */
export declare const REDIS_SERVER: string;

/** Whether there is a redis-server to run. */
export declare function hasRedisServer(): boolean;

/** Kills `child` (SIGKILL: a crash, not a shutdown) and waits for its exit. */
export declare function killRedisServer(child: ChildProcess): Promise<void>;

/**
 * Starts redis-server on `port` and resolves when it answers PING (10 s at
 * most, else it is killed and this rejects). `onSpawn` sees the child at once,
 * before it answers.
 */
export declare function spawnRedisServer(port: number, options?: { readonly onSpawn?: (child: ChildProcess) => void }): Promise<ChildProcess>;
