/**
 * An async iterator of events that never builds a backlog: it holds at most
 * one pending value per key, and a newer value replaces the unread one of its
 * key. Keyed by camera id, a slow reader of status changes still learns the
 * latest status of every camera; with one key it is a plain "latest value".
 * @module
 */
export class KeyedLatestIterator<T> implements AsyncIterableIterator<T> {
  readonly #pending = new Map<string, T>();
  readonly #keyOf: (value: T) => string;
  readonly #onClose: () => void;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #done = false;
  /** Values replaced before they were read. */
  dropped = 0;

  constructor(keyOf: (value: T) => string, onClose: () => void = () => {}) {
    this.#keyOf = keyOf;
    this.#onClose = onClose;
  }

  push(value: T): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value, done: false });
      return;
    }
    const key = this.#keyOf(value);
    if (this.#pending.delete(key)) this.dropped++;
    this.#pending.set(key, value); // to the end: values stay in the order of their latest change
  }

  next(): Promise<IteratorResult<T>> {
    for (const [key, value] of this.#pending) {
      this.#pending.delete(key);
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the iteration: unread values are discarded, a waiting `next()` resolves done. */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#pending.clear();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ value: undefined, done: true });
    this.#onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
