/** Waiting on live things without timing assertions: poll until a check holds. */

/** A value that counts as "not yet". */
type Falsy = false | null | undefined | 0 | '';

/**
 * Resolves with the first truthy value of `check()` (polled every 25 ms);
 * rejects naming `what` after `ms`.
 */
export async function until<T>(check: () => T | Promise<T>, what: string, ms = 10_000): Promise<Exclude<T, Falsy>> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, Falsy>;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
