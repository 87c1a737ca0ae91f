/**
 * Conflating delivery: a consumer that is slower than the producer gets the
 * newest value when it is ready again, never a growing backlog.
 * @module
 */

/**
 * An async iterator that holds at most one pending value: a newer value
 * replaces an unread one. Ends when {@link close} is called or `signal` aborts.
 */
export class LatestValueIterator<T> implements AsyncIterableIterator<T> {
  #pending: { value: T } | undefined;
  #waiter: ((result: IteratorResult<T>) => void) | undefined;
  #done = false;
  readonly #onClose: () => void;
  /** Values replaced before they were read. */
  dropped = 0;

  constructor(onClose: () => void, signal?: AbortSignal) {
    this.#onClose = onClose;
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
    if (this.#pending) this.dropped++;
    this.#pending = { value };
  }

  next(): Promise<IteratorResult<T>> {
    const pending = this.#pending;
    if (pending) {
      this.#pending = undefined;
      return Promise.resolve({ value: pending.value, done: false });
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

  /** Ends the iteration: an unread value is discarded and a waiting `next()` resolves done. */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#pending = undefined;
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
