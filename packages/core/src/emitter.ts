/**
 * A tiny typed listener registry: `on` returns its own unsubscribe.
 * @module
 */

/**
 * Throws `error` again in a microtask, off the current stack: a listener's
 * throw then surfaces (as an uncaught exception) without stopping the other
 * listeners, the fan-out or the capture that called it.
 */
export function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export type Listener<T> = (value: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => void set.delete(listener as Listener<never>);
  }

  /** How many listeners `event` has (one function added twice is one listener). */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  emit<K extends keyof Events>(event: K, value: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[K]>)(value);
      } catch (error) {
        // A throwing listener must not stop the others or the capture.
        rethrowLater(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
