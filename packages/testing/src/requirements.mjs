/* @ts-self-types="./requirements.d.mts" */
// What the tests and benchmarks need that npm cannot provide (OpenCV's system
// library, a Redis server). Without it a group is skipped, loudly, with the one
// command that enables it, and recorded for the test command's closing summary
// (scripts/test.mjs); where the group is required (CI sets
// SERVERCAM_REQUIRE_OPENCV=1, SERVERCAM_REQUIRE_REDIS=1), a missing requirement
// fails instead. Plain JavaScript, so that the core's tests, its pipeline
// benchmark, the bench (run from dist/) and the root scripts import it by path
// without depending on this package.
import { appendFileSync } from 'node:fs';
import process from 'node:process';

/** The file the root test command reads for its summary (one JSON line per skipped group). */
export const SKIP_LOG_ENV = 'SERVERCAM_SKIP_LOG';

/** Records a skipped group for the test command's summary (when it runs under it). */
export function recordSkip({ group, reason, enable }) {
  const log = process.env[SKIP_LOG_ENV];
  if (log) appendFileSync(log, `${JSON.stringify({ group, reason, enable })}\n`);
}

/**
 * Whether the group runs: true when available; false (after a loud notice,
 * recorded by {@link recordSkip}) when it is not and not required.
 * Throws when it is required and not available.
 */
export function runOrSkip(requirement) {
  if (requirement.available) return true;
  const line = `${requirement.group} SKIPPED: ${requirement.reason}`;
  if (process.env[requirement.requiredBy] === '1') throw new Error(`${requirement.requiredBy}=1, but ${line}`);
  const bar = '!'.repeat(80);
  console.warn(`\n${bar}\n!!! ${line}\n!!! To run them: ${requirement.enable}\n!!! (${requirement.requiredBy}=1 makes this an error, as in CI.)\n${bar}\n`);
  recordSkip(requirement);
  return false;
}
