/** The ConfigError `run` throws; fails the test when it throws something else or nothing. */
import { thrown } from '@servercam/testing';
import { ConfigError } from '../../src/index.ts';

export const configError = (run: () => unknown): ConfigError => thrown(ConfigError, run);
