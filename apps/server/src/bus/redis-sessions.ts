/**
 * Sign-outs shared between gateways through Redis, so a session signed out on
 * one gateway is refused by all (security/sessions.ts).
 *
 * Channel `P:sessions`: JSON `{ "type": "revoke", "id": "<session id>",
 * "expires": <seconds since the epoch> }`: a session id and its expiry, never
 * a cookie or a token (the id alone authenticates nothing: a cookie needs the
 * MAC). Every message is checked; anything else is counted and ignored.
 * A sign-out made while Redis is away is sent once it is back. Pub/sub
 * delivers at most once: a gateway that was disconnected meanwhile misses it
 * (each gateway refuses the cookies issued before it started, so a restarted
 * one misses nothing that matters). Whoever can publish on this Redis can sign
 * people out, nothing more.
 * @module
 */
import type { Logger } from '../logger.ts';
import type { SessionRevocations } from '../security/sessions.ts';
import { connectRedis, type RedisPair } from './redis-connection.ts';
import { DEFAULT_PREFIX } from './redis-protocol.ts';

/** The largest message accepted (a revocation is about 80 bytes). */
const MAX_MESSAGE_BYTES = 1024;
/** Sign-outs kept for sending while Redis is away, at most. */
const MAX_UNSENT = 10_000;

export interface RedisSessionSyncOptions {
  readonly redisUrl: string;
  readonly prefix?: string | undefined;
  readonly logger: Logger;
  readonly revocations: SessionRevocations;
}

export class RedisSessionSync {
  readonly #redis: RedisPair;
  readonly #channel: string;
  readonly #revocations: SessionRevocations;
  readonly #logger: Logger;
  readonly #unsent: string[] = [];
  #ignored = 0;
  #closed = false;

  constructor(options: RedisSessionSyncOptions) {
    this.#logger = options.logger.child({ component: 'redis-sessions' });
    this.#channel = `${options.prefix ?? DEFAULT_PREFIX}:sessions`;
    this.#revocations = options.revocations;
    this.#redis = connectRedis(options.redisUrl, 'servercam-sessions', this.#logger);
    this.#redis.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.#channel) this.#onMessage(message);
    });
    void this.#redis.sub.subscribe(this.#channel).catch(() => {});
    this.#redis.pub.on('ready', () => this.#flush());
    this.#revocations.share((id, expires) => this.#send(JSON.stringify({ type: 'revoke', id, expires })));
  }

  /** Messages ignored as malformed so far. */
  get ignored(): number {
    return this.#ignored;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#revocations.share(undefined);
    await this.#redis.close();
  }

  #send(text: string): void {
    if (this.#closed) return;
    if (this.#redis.pub.status !== 'ready') {
      if (this.#unsent.length < MAX_UNSENT) this.#unsent.push(text);
      return;
    }
    this.#redis.pub.publish(this.#channel, text).catch(() => {
      if (this.#unsent.length < MAX_UNSENT) this.#unsent.push(text);
    });
  }

  #flush(): void {
    for (const text of this.#unsent.splice(0)) this.#send(text);
  }

  #onMessage(message: Buffer): void {
    let value: unknown;
    try {
      value = message.length <= MAX_MESSAGE_BYTES ? JSON.parse(message.toString('utf8')) : undefined;
    } catch {
      value = undefined;
    }
    const record = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    if (record?.['type'] === 'revoke' && this.#revocations.adopt(record['id'], record['expires'])) return;
    // Logged on the first and then every 100th, never thrown.
    if (this.#ignored++ % 100 === 0) this.#logger.warn({ channel: this.#channel, ignored: this.#ignored }, `ignored a malformed message on ${this.#channel}`);
  }
}
