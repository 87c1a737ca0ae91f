/** The ConfigError `run` throws; fails the test when it throws something else or nothing. */
import { expect } from 'vitest';
import { ConfigError } from '../../src/index.ts';

export function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}
