import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { killOwned, own } from '../src/children.ts';

it('kills the children a test file left running, and only those still running', async () => {
  const running = own(spawn('sleep', ['30']));
  const done = own(spawn('true'));
  await once(done, 'exit');
  const exited = once(running, 'exit');
  expect(killOwned()).toBe(1);
  const [, signal] = await exited;
  expect(signal).toBe('SIGKILL');
});
