#!/usr/bin/env node
// Checks the import rules of one workspace package:
// - dependencies point one way: core and schema depend on nothing of ours,
//   the server on core and schema, the web app on schema only;
// - Node built-ins are imported with the `node:` prefix;
// - relative imports name their file extension (Deno and NodeNext need it).
// Usage: node scripts/lint-imports.mjs <package-dir> [src-dir ...]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

export const allowed = {
  '@servercam/core': [],
  '@servercam/schema': [],
  '@servercam/server': ['@servercam/core', '@servercam/schema'],
  '@servercam/web': ['@servercam/schema'],
  // The private test kit: the tests' tools (media, Chromium, Redis, child processes).
  '@servercam/testing': ['@servercam/core'],
  // The benchmarks drive the server like an app, and feed a naive server from the core.
  '@servercam/bench': ['@servercam/core', '@servercam/schema', '@servercam/server'],
};

const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[^.\w])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function* files(dir) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|mts|js|mjs|svelte)$/.test(entry) && !entry.endsWith('.d.ts')) yield path;
  }
}

/** Packages only tests may import (never a package's src/). */
export const testOnly = ['@servercam/testing'];

export function lintPackage(root, dirs = ['src', 'test']) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // Examples are apps built on the public packages, like any user's app.
  const mayUse = allowed[pkg.name] ?? (pkg.name.startsWith('@servercam/example-') ? ['@servercam/core', '@servercam/schema'] : []);
  const problems = [];
  for (const dir of dirs) {
    let exists = false;
    try { exists = statSync(join(root, dir)).isDirectory(); } catch {}
    if (!exists) continue;
    for (const file of files(join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3];
        const where = `${relative(process.cwd(), file)}: "${spec}"`;
        if (spec.startsWith('@servercam/')) {
          const name = spec.split('/').slice(0, 2).join('/');
          if (testOnly.includes(name) && name !== pkg.name) {
            if (dir === 'src') problems.push(`${where}: ${name} is for tests only, not for ${dir}/`);
          } else if (name !== pkg.name && !mayUse.includes(name)) problems.push(`${where}: ${pkg.name} may not depend on ${name}`);
        } else if (builtins.has(spec.split('/')[0])) {
          problems.push(`${where}: import Node built-ins as "node:${spec}"`);
        } else if (spec.startsWith('.') && !/\.(ts|js|mjs|cjs|svelte|json|css|graphql)$/.test(spec)) {
          problems.push(`${where}: a relative import names its extension`);
        }
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root = '.', ...dirs] = process.argv.slice(2);
  const problems = lintPackage(root.startsWith("/") ? root : join(findRoot(), root), dirs.length ? dirs : undefined);
  for (const problem of problems) console.error(problem);
  if (problems.length) {
    console.error(`lint-imports: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log(`lint-imports: ${root} ok`);
}

function findRoot() {
  let dir = process.cwd();
  while (!statSafe(join(dir, 'pnpm-workspace.yaml'))) {
    const up = join(dir, '..');
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

function statSafe(path) {
  try { return statSync(path); } catch { return undefined; }
}
