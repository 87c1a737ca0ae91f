#!/usr/bin/env node
// Keeps a package's deno.json (Deno and JSR) in step with its package.json
// (Node and npm), like Hono's build/validate-exports.ts:
// - the same name and version;
// - the same export subpaths, each deno.json target being the TypeScript
//   source of the package.json target (`./dist/x.js` ↔ `./src/x.ts`), and the
//   source exists;
// - every npm dependency imported by the sources is mapped in deno.json's
//   `imports` to `npm:<name>@<the same range>`.
// Usage: node scripts/check-deno-exports.mjs <package-dir>
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The export target a package.json entry builds from: `./dist/a/b.js` → `./src/a/b.ts`. */
export function sourceOf(target) {
  const match = /^\.\/dist\/(.+)\.js$/.exec(target);
  return match ? `./src/${match[1]}.ts` : undefined;
}

/** `"./x": "./dist/x.js"` or `"./x": { types, default }` → the runtime target. */
function nodeTarget(entry) {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object') return entry.default ?? entry.import ?? entry.node;
  return undefined;
}

/** Returns a list of problems; empty when the two manifests agree. */
export function checkDenoExports(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const denoPath = join(root, 'deno.json');
  if (!existsSync(denoPath)) return [`${denoPath} is missing`];
  const deno = JSON.parse(readFileSync(denoPath, 'utf8'));
  const problems = [];

  if (deno.name !== pkg.name) problems.push(`name: deno.json has ${deno.name}, package.json has ${pkg.name}`);
  if (deno.version !== pkg.version) problems.push(`version: deno.json has ${deno.version}, package.json has ${pkg.version}`);

  const nodeExports = typeof pkg.exports === 'string' || pkg.exports?.types || pkg.exports?.default ? { '.': pkg.exports } : (pkg.exports ?? {});
  const denoExports = typeof deno.exports === 'string' ? { '.': deno.exports } : (deno.exports ?? {});
  for (const subpath of Object.keys(nodeExports)) {
    const expected = sourceOf(nodeTarget(nodeExports[subpath]) ?? '');
    if (!(subpath in denoExports)) {
      problems.push(`exports: "${subpath}" is in package.json but not in deno.json`);
    } else if (!expected) {
      problems.push(`exports: package.json's "${subpath}" target is not a ./dist/*.js file`);
    } else if (denoExports[subpath] !== expected) {
      problems.push(`exports: deno.json's "${subpath}" is ${denoExports[subpath]}, expected ${expected} (the source of package.json's target)`);
    }
  }
  for (const subpath of Object.keys(denoExports)) {
    if (!(subpath in nodeExports)) problems.push(`exports: "${subpath}" is in deno.json but not in package.json`);
    const target = denoExports[subpath];
    if (typeof target === 'string' && !existsSync(join(root, target))) problems.push(`exports: deno.json's "${subpath}" points at ${target}, which does not exist`);
  }

  const ranges = { ...pkg.optionalDependencies, ...pkg.dependencies };
  const imports = deno.imports ?? {};
  for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
    const expected = `npm:${name}@${range}`;
    if (imports[name] !== expected) problems.push(`imports: deno.json must map "${name}" to "${expected}" (package.json's dependency), has ${JSON.stringify(imports[name])}`);
  }
  for (const [name, specifier] of Object.entries(imports)) {
    if (!(name in ranges)) problems.push(`imports: deno.json maps "${name}", which is not a dependency in package.json`);
    else if (typeof specifier !== 'string' || !specifier.startsWith(`npm:${name}@`)) problems.push(`imports: deno.json's "${name}" should be an npm: specifier`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2];
  if (!root) {
    console.error('usage: node scripts/check-deno-exports.mjs <package-dir>');
    process.exit(2);
  }
  const resolved = join(fileURLToPath(new URL('..', import.meta.url)), root);
  const dir = existsSync(join(root, 'package.json')) ? root : resolved;
  const problems = checkDenoExports(dir);
  const name = relative(process.cwd(), join(dir, 'deno.json')) || 'deno.json';
  if (problems.length > 0) {
    for (const problem of problems) console.error(`${name}: ${problem}`);
    console.error(`${name} and package.json have drifted (${problems.length} problem${problems.length === 1 ? '' : 's'}).`);
    process.exit(1);
  }
  console.log(`[deno-exports] ${name} matches package.json`);
}
