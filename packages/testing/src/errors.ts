/**
 * The typed error a call throws, for assertions on its fields.
 * @module
 */
import { expect } from 'vitest';

/** The error `run` throws, which must be an instance of `type`; fails the test when it throws something else or nothing. */
export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, run: () => unknown): E {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected a ${type.name}`);
}
