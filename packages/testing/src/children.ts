/**
 * Child processes that never outlive the test file that started them: a
 * server, Redis or ffmpeg started through {@link own} is killed when the file
 * ends (the `vitest-setup` module's `afterAll`) and when the process exits,
 * even when a test or a `beforeAll` failed before the suite could stop it.
 * @module
 */
import type { ChildProcess } from 'node:child_process';
import process from 'node:process';

const owned = new Set<ChildProcess>();

/** Registers `child` to be killed at the end of the test file at the latest. */
export function own<T extends ChildProcess>(child: T): T {
  owned.add(child);
  child.once('exit', () => owned.delete(child));
  return child;
}

/** Kills every owned child still running (SIGKILL); returns how many there were. */
export function killOwned(): number {
  let killed = 0;
  for (const child of owned) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      killed++;
    }
  }
  owned.clear();
  return killed;
}

process.once('exit', () => void killOwned());
