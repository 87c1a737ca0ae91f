/**
 * Conflating delivery: a consumer that is slower than the producer gets the
 * newest value when it is ready again, never a growing backlog.
 * @module
 */

/**
 * An async iterator that holds at most one pending value per key: a newer
 * value replaces the unread one of its key. Without `keyOf` every value has
 * the same key, so it is a plain "latest value"; keyed (say, by camera id) a
 * slow reader still learns the latest value of every key, in the order of
 * their latest change. Ends when {@link close} is called or `signal` aborts.
 */
export class LatestValueIterator<T> implements AsyncIterableIterator<T> {
  readonly #pending = new Map<string | undefined, T>();
  readonly #keyOf: ((value: T) => string) | undefined;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #done = false;
  readonly #onClose: () => void;
  /** Values replaced before they were read. */
  dropped = 0;

  constructor(onClose: () => void = () => {}, signal?: AbortSignal, keyOf?: (value: T) => string) {
    this.#onClose = onClose;
    this.#keyOf = keyOf;
    if (signal?.aborted) this.close();
    else signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  push(value: T): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter({ value, done: false });
      return;
    }
    const key = this.#keyOf?.(value);
    if (this.#pending.delete(key)) this.dropped++;
    this.#pending.set(key, value); // to the end: values stay in the order of their latest change
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#pending.size > 0) {
      for (const [key, value] of this.#pending) {
        this.#pending.delete(key);
        return Promise.resolve({ value, done: false });
      }
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

  /** Ends the iteration: unread values are discarded and a waiting `next()` resolves done. */
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

/**
 * Wraps a listener so that while a call's promise is pending, later values
 * are conflated: only the newest one is delivered when the call settles.
 * A throw or rejection goes to `onError`; after `close()` nothing more is
 * delivered, a value held back included.
 */
export function conflating<T>(
  listener: (value: T) => void | PromiseLike<void>,
  onError: (error: unknown) => void,
): { push(value: T): void; close(): void; readonly dropped: number } {
  let busy = false;
  let closed = false;
  let pending: { value: T } | undefined;
  let dropped = 0;
  const run = (value: T): void => {
    let result: void | PromiseLike<void>;
    try {
      result = listener(value);
    } catch (error) {
      onError(error);
      return;
    }
    if (typeof (result as PromiseLike<void> | undefined)?.then !== 'function') return;
    busy = true;
    const settled = (): void => {
      busy = false;
      const next = pending;
      pending = undefined;
      if (next && !closed) run(next.value);
    };
    (result as PromiseLike<void>).then(settled, (error: unknown) => {
      onError(error);
      settled();
    });
  };
  return {
    push(value: T) {
      if (closed) return;
      if (!busy) return run(value);
      if (pending) dropped++;
      pending = { value };
    },
    close() {
      closed = true;
      pending = undefined;
    },
    get dropped() {
      return dropped;
    },
  };
}
