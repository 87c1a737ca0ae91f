/**
 * Redis connections for the bus (ioredis): each side has a publisher and a
 * subscriber. Both reconnect by themselves (a short capped backoff) and the
 * subscriber resubscribes. The publisher has no offline queue: while Redis is
 * away a publish fails at once and the frame is dropped, never queued.
 * @module
 */
import { redactSecrets } from '@servercam/core';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface RedisPair {
  readonly pub: Redis;
  readonly sub: Redis;
  readonly url: string;
  /** The publisher's state, for `/healthz`. */
  status(): { url: string; status: string; connected: boolean };
  /** Waits (at most `timeoutMs`) for the publisher to be ready; resolves whether it is. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export function connectRedis(url: string, name: string, logger: Logger): RedisPair {
  const options = {
    connectionName: name,
    // Reconnect quickly, forever: 100 ms, 200 ms... capped at 1 s.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    maxRetriesPerRequest: 1,
    enableReadyCheck: true,
    connectTimeout: 2000,
  };
  const pub = new Redis(url, { ...options, enableOfflineQueue: false });
  const sub = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: true });
  const shown = redactSecrets(url);
  let lastError = '';
  for (const [role, client] of [['pub', pub], ['sub', sub]] as const) {
    client.on('error', (error: Error) => {
      // ioredis reports every failed reconnect; log each distinct failure once.
      if (error.message === lastError) return;
      lastError = error.message;
      logger.warn({ redis: shown, role, err: error.message }, `redis ${shown}: ${error.message}`);
    });
    client.on('ready', () => {
      if (lastError !== '' || role === 'pub') logger.info({ redis: shown, role }, `redis ${shown}: connected`);
      lastError = '';
    });
  }
  return {
    pub,
    sub,
    url: shown,
    status: () => ({ url: shown, status: pub.status, connected: pub.status === 'ready' && sub.status === 'ready' }),
    ready: (timeoutMs) => {
      if (pub.status === 'ready') return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => done(false), timeoutMs);
        const onReady = (): void => done(true);
        function done(ok: boolean): void {
          clearTimeout(timer);
          pub.off('ready', onReady);
          resolve(ok);
        }
        pub.on('ready', onReady);
      });
    },
    close: async () => {
      // QUIT politely where connected, for at most a second: with Redis away, a queued QUIT would wait forever.
      let timer: NodeJS.Timeout | undefined;
      const quits = Promise.allSettled([pub, sub].map((client) => (client.status === 'ready' ? client.quit() : undefined)));
      await Promise.race([quits, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
      pub.disconnect();
      sub.disconnect();
    },
  };
}
