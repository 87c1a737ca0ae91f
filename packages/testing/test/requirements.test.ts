import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { type Requirement, runOrSkip, SKIP_LOG_ENV } from '../src/requirements.mjs';

const missing: Requirement = { group: 'Widget tests', available: false, reason: 'no widget', enable: 'apt-get install widget', requiredBy: 'SERVERCAM_REQUIRE_WIDGET' };

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

it('runs a group whose requirement is there', () => {
  expect(runOrSkip({ ...missing, available: true })).toBe(true);
});

it('skips a missing one loudly, naming the command that enables it, and records it for the summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'servercam-skips-'));
  vi.stubEnv(SKIP_LOG_ENV, join(dir, 'skips.jsonl'));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  expect(runOrSkip(missing)).toBe(false);
  expect(warn.mock.calls[0]?.[0]).toMatch(/Widget tests SKIPPED: no widget[\s\S]*To run them: apt-get install widget/);
  expect(JSON.parse(readFileSync(join(dir, 'skips.jsonl'), 'utf8'))).toEqual({ group: 'Widget tests', reason: 'no widget', enable: 'apt-get install widget' });
  rmSync(dir, { recursive: true });
});

it('fails instead where the group is required', () => {
  vi.stubEnv('SERVERCAM_REQUIRE_WIDGET', '1');
  expect(() => runOrSkip(missing)).toThrow(/SERVERCAM_REQUIRE_WIDGET=1, but Widget tests SKIPPED/);
});
