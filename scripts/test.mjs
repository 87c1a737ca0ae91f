#!/usr/bin/env node
// `pnpm test`, the README's test command: builds every package, runs each
// package's test, typecheck and lint through Turborepo one at a time (the
// live-capture tests count frames; two suites at once on 2 cores would skew
// them), then the Deno suite, and closes with a summary: what ran per
// package, what was skipped and why, each with the one command that enables
// it, and a last line "tests: N passed, N failed, N skipped".
//
// Every step runs even when an earlier one failed (turbo --continue), so one
// failure does not hide the others; the exit code is non-zero if any failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

// Test files append one JSON line per skipped group here (@servercam/testing's runOrSkip).
const reportDir = mkdtempSync(join(tmpdir(), 'servercam-test-report-'));
const skipLog = join(reportDir, 'skips.jsonl');
const env = { ...process.env, SERVERCAM_SKIP_LOG: skipLog };

/** Runs a command with its output shown as it comes and kept for the summary. */
function run(title, command, args) {
  console.log(`\n::: ${title}   (${elapsed()})`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (stream) => (chunk) => {
      stream.write(chunk);
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.once('error', (error) => resolve({ code: 1, output: `${output}\n${error.message}` }));
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const lines = (text) => text.replace(ANSI, '').split(/\r?\n/);

/** Vitest's "Tests  3 failed | 140 passed | 2 skipped (145)" lines, summed per turbo task prefix. */
function vitestCounts(output) {
  const perPackage = new Map();
  for (const line of lines(output)) {
    const match = /^(@servercam\/[\w.-]+):test:\s+Tests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (!match) continue;
    const counts = perPackage.get(match[1]) ?? { passed: 0, failed: 0, skipped: 0 };
    for (const part of match[2].split('|')) {
      const [number, word] = part.trim().split(/\s+/);
      if (word === 'passed') counts.passed += Number(number);
      else if (word === 'failed') counts.failed += Number(number);
      else if (word === 'skipped' || word === 'todo') counts.skipped += Number(number);
    }
    perPackage.set(match[1], counts);
  }
  return perPackage;
}

/** The packages whose `test` task ran (turbo prefixes their output with `<package>:test:`). */
function testTasks(output) {
  const names = new Set();
  for (const line of lines(output)) {
    const match = /^(@servercam\/[\w.-]+):test:/.exec(line);
    if (match) names.add(match[1]);
  }
  return names;
}

/** Turbo's "Failed:    @servercam/web#test" lines. */
function failedTasks(output) {
  const failed = [];
  for (const line of lines(output)) {
    const match = /^\s*Failed:\s+(.+)$/.exec(line);
    if (match) failed.push(...match[1].split(/[\s,]+/).filter(Boolean));
  }
  return failed;
}

/**
 * Vitest's "FAIL  file > suite > test" lines from its failure report (and
 * "FAIL  file" for a file that failed as a whole: an import error), each with
 * the first lines of its error, so the end of a long log names what failed.
 */
function failedTests(output) {
  const found = [];
  const all = lines(output);
  for (let index = 0; index < all.length; index++) {
    const match = /^(@servercam\/[\w.-]+):test:\s+FAIL\s+(\S.*)$/.exec(all[index]);
    if (!match) continue;
    const detail = [];
    for (let next = index + 1; next < all.length && detail.length < 5; next++) {
      const text = all[next].replace(/^@servercam\/[\w.-]+:test:/, '').trim();
      if (/^FAIL\s/.test(text) || /^[⎯-]{3,}/.test(text)) break;
      if (text) detail.push(text.slice(0, 200));
    }
    found.push({ title: `${match[1]}: ${match[2].trim()}`, detail });
  }
  return found;
}

/** Deno's "ok | 12 passed (20 steps) | 0 failed | 1 ignored (31s)" line. */
function denoCounts(output) {
  for (const line of lines(output).reverse()) {
    if (!/^(?:ok|FAILED) \| /.test(line)) continue;
    const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
    return { passed: count('passed'), failed: count('failed'), skipped: count('ignored') };
  }
  return undefined;
}

function readSkips() {
  let text = '';
  try {
    text = readFileSync(skipLog, 'utf8');
  } catch {
    return [];
  }
  const groups = new Map();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const skip = JSON.parse(line);
      if (typeof skip.group === 'string' && !groups.has(skip.group)) groups.set(skip.group, skip);
    } catch {
      // A torn line: ignore.
    }
  }
  return [...groups.values()];
}

const turbo = join(root, 'node_modules', '.bin', 'turbo');
const results = [];
results.push({ step: 'install check', ...(await run('install check (scripts/setup.mjs)', process.execPath, [join(root, 'scripts', 'setup.mjs')])) });
const build = await run('build (turbo run build)', turbo, ['run', 'build', '--output-logs=errors-only']);
results.push({ step: 'build', ...build });
const checks = build.code === 0
  ? await run('test, typecheck and lint of every package (turbo, one task at a time)', turbo, ['run', 'test', 'typecheck', 'lint', '--concurrency=1', '--continue'])
  : { code: 1, output: '' };
results.push({ step: 'packages', ...checks });
const deno = build.code === 0 ? await run('Deno suite (scripts/test-deno.sh)', 'bash', [join(root, 'scripts', 'test-deno.sh')]) : { code: 1, output: '' };
results.push({ step: 'deno', ...deno });

// The summary.
const perPackage = vitestCounts(checks.output);
const denoResult = denoCounts(deno.output);
if (denoResult) perPackage.set('Deno runtime suite', denoResult);
const failed = failedTasks(checks.output);
const skips = readSkips();
const total = { passed: 0, failed: 0, skipped: 0 };
console.log(`\n${'='.repeat(80)}\nservercam test summary (${elapsed()})\n${'='.repeat(80)}`);
console.log('What ran:');
for (const [name, counts] of perPackage) {
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  console.log(`  ${name.padEnd(28)} ${String(counts.passed).padStart(4)} passed  ${String(counts.failed).padStart(3)} failed  ${String(counts.skipped).padStart(3)} skipped`);
}
for (const name of testTasks(checks.output)) {
  // Tasks that are not vitest suites: the schema's codegen check, the benchmark smoke run.
  if (!perPackage.has(name)) console.log(`  ${name.padEnd(28)} test task ran (${failed.includes(`${name}#test`) ? 'FAILED' : 'passed'}; not a vitest suite)`);
}
for (const { step, code } of results) if (code !== 0) console.log(`  FAILED step: ${step} (exit ${code})`);
for (const task of failed) console.log(`  FAILED task: ${task}`);
const failedList = failedTests(checks.output);
if (failedList.length > 0) {
  console.log('Failed tests:');
  for (const { title, detail } of failedList) console.log(`  - ${title}${detail.map((line) => `\n      ${line}`).join('')}`);
}
if (skips.length === 0) {
  console.log('Skipped groups: none (OpenCV, Redis, ffmpeg and Chromium were all available).');
} else {
  console.log('Skipped groups (each with the one command that enables it):');
  for (const skip of skips) console.log(`  - ${skip.group}: ${skip.reason}\n      enable: ${skip.enable}`);
}
const stepFailures = results.filter((result) => result.code !== 0).length;
// Failed tasks and steps with no failed test (a type error, a lint problem) count as failures too.
const failures = total.failed + (total.failed === 0 ? stepFailures : 0);
console.log(`\ntests: ${total.passed} passed, ${failures} failed, ${total.skipped} skipped`);
rmSync(reportDir, { recursive: true, force: true });
process.exit(stepFailures > 0 ? 1 : 0);
