/**
 * Exposure: the CLI refuses to listen beyond loopback with no token (exit 2,
 * a clear message), unless --insecure-no-auth; tokens come from the config
 * file or SERVERCAM_VIEWER_TOKEN / SERVERCAM_OPERATOR_TOKEN, are checked, and
 * never printed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, waitForBanner } from '@servercam/testing';
import { checkExposure, createServer, isLoopbackHost, parseConfig, withEnvTokens } from '../src/index.ts';
import { MIN_TOKEN_BITS, tokenBits, tokenProblem } from '../src/security/index.ts';

/** No token from this process's environment: each test names its own. */
const NO_TOKENS = { SERVERCAM_VIEWER_TOKEN: '', SERVERCAM_OPERATOR_TOKEN: '' };

/** Runs the CLI until it exits or `ms` pass (then SIGTERM); its exit code and output. */
async function run(args: string[], env: Record<string, string> = {}, ms = 8000): Promise<{ code: number | null; output: string }> {
  const cli = spawnCli(args, { env: { ...NO_TOKENS, ...env } });
  const timer = setTimeout(() => void cli.stop('SIGTERM'), ms);
  const { code } = await cli.exited;
  clearTimeout(timer);
  return { code, output: cli.output() };
}

/** Starts the CLI and resolves with its output once it logged that it listens, then stops it. */
async function startsListening(args: string[], env: Record<string, string> = {}): Promise<string> {
  const cli = spawnCli([...args, '--port', '0', '--log-level', 'info'], { env: { ...NO_TOKENS, ...env } });
  try {
    await waitForBanner(cli, 15_000);
  } finally {
    await cli.stop('SIGTERM');
  }
  return cli.output();
}

describe('servercam serve', () => {
  it('refuses to listen on 0.0.0.0 without a token, with exit code 2 and a clear message', async () => {
    const { code, output } = await run(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(2);
    expect(output).toMatch(/Refusing to listen on 0\.0\.0\.0 without authentication/);
    expect(output).toMatch(/SERVERCAM_VIEWER_TOKEN/);
    expect(output).toMatch(/--insecure-no-auth/);
  });

  it('listens on 0.0.0.0 with --insecure-no-auth', async () => {
    expect(await startsListening(['serve', '--host', '0.0.0.0', '--insecure-no-auth'])).toContain('"graphiql"');
  });

  it('listens on 0.0.0.0 with a token from the env, and never prints the token', async () => {
    const token = 'env-operator-token-0123456789abcdef';
    const output = await startsListening(['serve', '--host', '0.0.0.0'], { SERVERCAM_OPERATOR_TOKEN: token });
    expect(output).not.toContain(token);
  });

  it('refuses a short token from the env with exit code 2, naming the variable but not the token', async () => {
    const { code, output } = await run(['serve'], { SERVERCAM_VIEWER_TOKEN: 'short-secret' });
    expect(code).toBe(2);
    expect(output).toContain('SERVERCAM_VIEWER_TOKEN');
    expect(output).not.toContain('short-secret');
  });

  it('refuses a low-entropy token of 16 characters from the env with exit code 2, naming the variable but not the token', async () => {
    const { code, output } = await run(['serve'], { SERVERCAM_OPERATOR_TOKEN: '0000000000000000' });
    expect(code).toBe(2);
    expect(output).toContain('SERVERCAM_OPERATOR_TOKEN');
    expect(output).toMatch(/too easy to guess/);
    expect(output).not.toContain('0000000000000000');
  });

  it('refuses the same token for both roles from the env with exit code 2, naming both variables but not the token', async () => {
    const token = 'a4f09c1e77d2b35e8f6a0c91';
    const { code, output } = await run(['serve'], { SERVERCAM_VIEWER_TOKEN: token, SERVERCAM_OPERATOR_TOKEN: token });
    expect(code).toBe(2);
    expect(output).toContain('SERVERCAM_VIEWER_TOKEN');
    expect(output).toContain('SERVERCAM_OPERATOR_TOKEN');
    expect(output).not.toContain(token);
  });

  it('refuses the same token for both roles, one from the config file and one from the env, naming each', async () => {
    const token = 'a4f09c1e77d2b35e8f6a0c91';
    const file = join(mkdtempSync(join(tmpdir(), 'servercam-config-')), 'servercam.json');
    writeFileSync(file, JSON.stringify({ auth: { viewerToken: token } }));
    const { code, output } = await run(['serve', '--config', file], { SERVERCAM_OPERATOR_TOKEN: token });
    expect(code).toBe(2);
    expect(output).toContain('auth.viewerToken');
    expect(output).toContain('SERVERCAM_OPERATOR_TOKEN');
    expect(output).not.toContain(token);
  });

  it('refuses an invalid limit in the config file, naming the key', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'servercam-config-')), 'servercam.json');
    writeFileSync(file, JSON.stringify({ limits: { maxDepth: 0 } }));
    const { code, output } = await run(['serve', '--config', file]);
    expect(code).toBe(2);
    expect(output).toContain('"limits.maxDepth"');
  });
});

describe('exposure and tokens', () => {
  it('knows the loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'camera.lan', '10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses a non-loopback bind with no auth, and allows it with auth or the explicit opt-out', () => {
    expect(() => checkExposure('192.168.1.10', false, false)).toThrow(/Refusing to listen/);
    expect(() => checkExposure('192.168.1.10', true, false)).not.toThrow();
    expect(() => checkExposure('192.168.1.10', false, true)).not.toThrow();
    expect(() => checkExposure('127.0.0.1', false, false)).not.toThrow();
  });

  it('takes tokens from the config file, and the env over them', () => {
    const config = parseConfig({ auth: { viewerToken: 'file-viewer-token-0123456789', operatorToken: 'file-operator-token-0123456789' } }, 'x.json', '/');
    expect(withEnvTokens(config, { SERVERCAM_OPERATOR_TOKEN: 'env-operator-token-0123456789' }).auth).toEqual({
      viewerToken: 'file-viewer-token-0123456789',
      operatorToken: 'env-operator-token-0123456789',
    });
    expect(() => parseConfig({ auth: { adminToken: 'x' } }, 'x.json', '/')).toThrow(/"auth.adminToken"/);
  });

  it('refuses the same token for both roles in the config file, naming the keys', () => {
    const token = 'a4f09c1e77d2b35e8f6a0c91';
    expect(() => parseConfig({ auth: { viewerToken: token, operatorToken: token } }, 'x.json', '/')).toThrow(/"auth.viewerToken" must not be the same as auth.operatorToken/);
  });

  it('refuses the same token for both roles in code too', () => {
    const token = 'a4f09c1e77d2b35e8f6a0c91';
    expect(() => createServer({ auth: { viewerToken: token, operatorToken: token } })).toThrow(/must differ/);
  });

  it.each([
    ['0000000000000000', 'one character'],
    ['abcdefghijklmnopqrstuvwxyz', 'a run of consecutive letters'],
    ['9876543210987654321', 'a run down'],
    ['passwordpassword', 'a part repeated'],
    ['abababababababababababab', 'a pair repeated'],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1', 'a run and one more'],
    ['Password12345678', 'a word and a run'],
  ])('refuses %j (%s) as too easy to guess', (token) => {
    expect(tokenBits(token)).toBeLessThan(MIN_TOKEN_BITS);
    expect(tokenProblem(token)).toMatch(/too easy to guess/);
    expect(tokenProblem(token)).not.toContain(token);
  });

  it.each([
    ['a4f09c1e77d2b35e8f6a0c91e2d4', 'random hex (openssl rand -hex)'],
    ['q8Zr/4xKp1+WmT0b', 'random base64, 16 characters (openssl rand -base64 12)'],
    ['c0ffee42-7a1b-4e9d-b2f3-9d8e7c6b5a41', 'a UUID'],
  ])('accepts %j (%s)', (token) => {
    expect(tokenProblem(token)).toBeUndefined();
  });
});
