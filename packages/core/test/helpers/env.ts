/** Environment variables a test changes, put back after each test. */
import process from 'node:process';
import { afterEach } from 'vitest';

/** Restores `name` (or its absence) after each test of the calling file or suite. */
export function restoreEnvAfterEach(name: string): void {
  const saved = process.env[name];
  afterEach(() => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  });
}
