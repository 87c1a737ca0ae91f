/**
 * The one declaration of the settings (src/config-schema.ts) against what is
 * made from it: the flags, `--help`, the README's key table; and the CLI's
 * exit code 2 kept for config errors only.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidSettings } from '@servercam/core';
import { spawnCli } from '@servercam/testing';
import { parseArgsOptions } from '../src/args.ts';
import { configKeyTable, TABLE_END, TABLE_START } from '../src/config-docs.ts';
import { asConfigError, ConfigError } from '../src/config-error.ts';
import { CONFIG, CONFIG_KEYS, type KeySpec, META_FLAGS } from '../src/config-schema.ts';

const plant = new URL('./fixtures/plant-type-error.mjs', import.meta.url).href;

async function runCli(nodeArgs: string[], args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, { nodeArgs, env });
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

const specs = CONFIG_KEYS.map((key) => [key, CONFIG[key] as KeySpec<unknown>] as const);
const flagged = specs.flatMap(([key, spec]) => (spec.flag ? [[key, spec.flag] as const] : []));

describe('the config schema', () => {
  it.each(specs)('"%s" has a flag or says why it is file-only, not both', (_key, spec) => {
    expect(spec.flag === undefined ? spec.fileOnly : 'flag').toMatch(/\S/);
    expect(spec.flag !== undefined && spec.fileOnly !== undefined).toBe(false);
  });

  it('gives parseArgs exactly the schema flags and --config, --help', () => {
    expect(Object.keys(parseArgsOptions()).sort()).toEqual([...flagged.map(([, flag]) => flag.name), ...Object.values(META_FLAGS).map((flag) => flag.name)].sort());
  });

  it('--help lists every flag of the schema, with its value', async () => {
    const { code, stdout } = await runCli([], ['--help']);
    expect(code).toBe(0);
    for (const [, flag] of flagged) expect(stdout).toMatch(new RegExp(`^  --${flag.name}${flag.value ? ` ${flag.value.replace(/[[\]]/g, '\\$&')}` : ''} `, 'm'));
    expect(stdout).toMatch(/^ {2}--config FILE /m);
    expect(stdout).toMatch(/^ {2}-h, --help /m);
  });

  it("README's key table is the schema's", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(-1);
    // After a schema change: build, then `node scripts/config-table.mjs`.
    expect(readme.slice(start + TABLE_START.length, end).trim()).toBe(configKeyTable());
    for (const key of CONFIG_KEYS) expect(configKeyTable()).toContain(`| \`${key}\` |`);
  });
});

describe('config errors and programming errors', () => {
  it("takes the core's InvalidSettings as a config error naming its field", () => {
    const error = asConfigError(new InvalidSettings('cameras[1].id', 'Camera id "a" is configured twice'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.key).toBe('cameras[1].id');
    expect(error?.message).toContain('"cameras[1].id"');
  });

  it('does not take a TypeError for a config error', () => {
    expect(asConfigError(new TypeError('undefined is not a function'))).toBeUndefined();
  });

  it('a TypeError inside config handling exits 1 with its stack, not 2 with "Invalid config"', async () => {
    const { code, stderr } = await runCli(['--import', plant], ['serve', '--host', 'plant-a-type-error', '--port', '0']);
    expect(stderr).toContain('TypeError: planted: a bug inside config handling');
    expect(stderr).not.toMatch(/Invalid (config|option)/);
    expect(code).toBe(1);
  });

  it('a TypeError inside serve() exits 1 with its stack, not 2 with "Invalid config"', async () => {
    const { code, stderr } = await runCli(['--import', plant], ['serve', '--port', '0'], { PLANT_TYPE_ERROR: 'serve' });
    expect(stderr).toContain('TypeError: planted: a bug inside serve');
    expect(stderr).not.toContain('Invalid config');
    expect(code).toBe(1);
  });
});
