#!/usr/bin/env node
// Fails when a `src/` folder (or any folder under one) of a workspace package is
// missing from CONTRIBUTING.md's code map: every such folder must appear there
// by its path from the repository root, with a trailing slash
// (e.g. `packages/core/src/capture/`).
// Usage: node scripts/check-code-map.mjs
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const map = readFileSync(join(root, 'CONTRIBUTING.md'), 'utf8');

/** The workspace packages, from pnpm-workspace.yaml's `packages` globs (`dir` or `dir/*`). */
function workspacePackages() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  // Only the `packages:` block: from its key to the next top-level line.
  const block = (yaml.split(/^packages:\s*$/m)[1] ?? '').split(/^\S/m)[0] ?? '';
  const globs = [...block.matchAll(/^\s*-\s*['"]?([^'"\s#]+)['"]?\s*$/gm)].map((match) => match[1]);
  const dirs = [];
  for (const glob of globs) {
    if (glob.startsWith('!')) continue;
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
      }
    } else {
      dirs.push(glob);
    }
  }
  return dirs.filter((dir) => existsSync(join(root, dir, 'package.json')));
}

function foldersUnder(dir) {
  const found = [dir];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.')) found.push(...foldersUnder(`${dir}/${entry.name}`));
  }
  return found;
}

const missing = [];
for (const pkg of workspacePackages()) {
  const src = `${pkg}/src`;
  if (!existsSync(join(root, src))) continue;
  for (const folder of foldersUnder(src)) {
    if (!map.includes(`${folder}/`)) missing.push(`${folder}/`);
  }
}
if (missing.length > 0) {
  console.error(`CONTRIBUTING.md's code map is missing ${missing.length} src folder(s); add a line for each:\n${missing.map((folder) => `  ${folder}`).join('\n')}`);
  process.exit(1);
}
console.log('CONTRIBUTING.md maps every src folder');
