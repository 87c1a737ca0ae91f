/**
 * A vitest setup file (`setupFiles`): after each test file, whatever it
 * started and did not stop is killed, and named, so a failed suite leaves no
 * orphaned server behind.
 * @module
 */
import { afterAll } from 'vitest';
import { killOwned } from './children.ts';

afterAll(() => {
  const killed = killOwned();
  if (killed > 0) console.warn(`[testing] killed ${killed} child process(es) that this test file left running`);
});
