/**
 * What the tests need that npm cannot provide (OpenCV's system library, a
 * Redis server). Without it a group of tests is skipped, loudly, with the one
 * command that enables it, and recorded for the test command's closing
 * summary; where the group is required (CI sets `SERVERCAM_REQUIRE_OPENCV=1`,
 * `SERVERCAM_REQUIRE_REDIS=1`), a missing requirement fails instead.
 * @module
 */
import { appendFileSync } from 'node:fs';
import process from 'node:process';

export interface Requirement {
  /** What is skipped without it, e.g. "OpenCV tests of @servercam/server". */
  readonly group: string;
  readonly available: boolean;
  /** Why it is not available (shown in the notice). */
  readonly reason: string;
  /** The one command that makes it available. */
  readonly enable: string;
  /** The env variable that makes it required (`=1`). */
  readonly requiredBy: string;
}

/** The file the root test command reads for its summary (one JSON line per skipped group). */
export const SKIP_LOG_ENV = 'SERVERCAM_SKIP_LOG';

/**
 * Whether the group runs: true when available; false (after a loud notice) when
 * it is not and not required.
 * @throws {Error} when it is required and not available
 */
export function runOrSkip(requirement: Requirement): boolean {
  if (requirement.available) return true;
  const line = `${requirement.group} SKIPPED: ${requirement.reason}`;
  if (process.env[requirement.requiredBy] === '1') throw new Error(`${requirement.requiredBy}=1, but ${line}`);
  const bar = '!'.repeat(80);
  console.warn(`\n${bar}\n!!! ${line}\n!!! To run them: ${requirement.enable}\n!!! (${requirement.requiredBy}=1 makes this an error, as in CI.)\n${bar}\n`);
  const log = process.env[SKIP_LOG_ENV];
  if (log) appendFileSync(log, `${JSON.stringify({ group: requirement.group, reason: requirement.reason, enable: requirement.enable })}\n`);
  return false;
}
