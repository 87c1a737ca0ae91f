/**
 * Live changes of motion events for `motionEvents` subscribers. Events are
 * rare, but a stalled subscriber still never holds more than 64 changes.
 * `close()` completes every subscription (shutdown).
 * @module
 */
import type { StoredEvent } from './store.ts';

/** What a subscriber receives: the event as stored after the change. */
export interface EventChange {
  /** `start`: motion began; `end`: it ended; `saved`: its clip is written or failed. */
  readonly phase: 'start' | 'end' | 'saved';
  readonly event: StoredEvent;
}

const MAX_QUEUED = 64;

/** One subscriber's queue. */
class ChangeQueue implements AsyncIterableIterator<EventChange> {
  readonly #items: EventChange[] = [];
  #wake: ((result: IteratorResult<EventChange>) => void) | undefined;
  #done = false;
  readonly #onEnd: () => void;
  readonly cameraId: string | undefined;
  readonly allow: ((cameraId: string) => boolean) | undefined;

  constructor(cameraId: string | undefined, onEnd: () => void, allow?: (cameraId: string) => boolean) {
    this.cameraId = cameraId;
    this.#onEnd = onEnd;
    this.allow = allow;
  }

  push(change: EventChange): void {
    if (this.#done) return;
    if (this.#wake) {
      const wake = this.#wake;
      this.#wake = undefined;
      wake({ value: change, done: false });
      return;
    }
    this.#items.push(change);
    if (this.#items.length > MAX_QUEUED) this.#items.shift();
  }

  next(): Promise<IteratorResult<EventChange>> {
    const item = this.#items.shift();
    if (item) return Promise.resolve({ value: item, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  return(): Promise<IteratorResult<EventChange>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#items.length = 0;
    this.#wake?.({ value: undefined, done: true });
    this.#wake = undefined;
    this.#onEnd();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

export class EventHub {
  readonly #queues = new Set<ChangeQueue>();
  #ended = false;

  /**
   * Changes of one camera, or of all (those `allow` lets through: a caller's scope);
   * completes on `close()`, `endAll()` or the iterator's `return()`.
   */
  changes(cameraId?: string, allow?: (cameraId: string) => boolean): AsyncIterableIterator<EventChange> {
    const queue = new ChangeQueue(cameraId, () => this.#queues.delete(queue), allow);
    if (this.#ended) queue.end();
    else this.#queues.add(queue);
    return queue;
  }

  publish(change: EventChange): void {
    for (const queue of this.#queues) {
      if ((queue.cameraId === undefined || queue.cameraId === change.event.cameraId) && (queue.allow?.(change.event.cameraId) ?? true)) queue.push(change);
    }
  }

  get subscribers(): number {
    return this.#queues.size;
  }

  /** Completes every current subscription. */
  endAll(): void {
    for (const queue of [...this.#queues]) queue.end();
  }

  /** Completes every subscription; later ones complete at once. */
  close(): void {
    this.#ended = true;
    this.endAll();
  }
}
