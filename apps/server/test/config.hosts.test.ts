/**
 * `allowedHosts` / `--allow-host` and `trustedProxies` / `--trust-proxy`:
 * validation naming the key, and the built CLI (dist/cli.js, a real child
 * process) serving what the flags say.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine, parseConfig } from '../src/index.ts';
import { send } from './helpers/forged-http.ts';
import { type CliProcess, freePort, startCli } from '@servercam/testing';
import { configError } from './helpers/config-error.ts';


describe('allowed hosts', () => {
  it('come from --allow-host flags and the allowedHosts key', () => {
    const command = parseCommandLine(['serve', '--allow-host', 'cams.example.org', '--allow-host', '.example.net', '--allow-host', '[2001:db8::7]']);
    expect(command.command === 'serve' && command.flags.allowedHosts).toEqual(['cams.example.org', '.example.net', '[2001:db8::7]']);
    expect(parseConfig({ allowedHosts: ['cams.example.org', '192.0.2.7', '2001:db8::7'] }, 'f.json', '/').allowedHosts).toEqual(['cams.example.org', '192.0.2.7', '2001:db8::7']);
  });

  it.each(['*', '*.example.org', 'cams.example.org:443', 'http://cams.example.org', 'cams example', '', 'a..b', '.', '.192.0.2.7', 42])('refuse %j', (host) => {
    if (typeof host === 'string') expect(configError(() => parseCommandLine(['serve', '--allow-host', host])).key).toBe('--allow-host');
    expect(configError(() => parseConfig({ allowedHosts: [host] }, 'f.json', '/')).key).toBe('allowedHosts[0]');
  });

  it('refuse a key that is not a list', () => {
    expect(configError(() => parseConfig({ allowedHosts: 'cams.example.org' }, 'f.json', '/')).key).toBe('allowedHosts');
  });
});

describe('trusted proxies', () => {
  it('come from --trust-proxy flags and the trustedProxies key', () => {
    const command = parseCommandLine(['serve', '--trust-proxy', '10.0.0.5', '--trust-proxy', '10.1.0.0/16']);
    expect(command.command === 'serve' && command.flags.trustedProxies).toEqual(['10.0.0.5', '10.1.0.0/16']);
    expect(parseConfig({ trustedProxies: ['::1', 'fd00::/8'] }, 'f.json', '/').trustedProxies).toEqual(['::1', 'fd00::/8']);
  });

  it.each(['nginx', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/8', 'fd00::/129', '10.0.0.0/-1', '*', ''])('refuse %j', (proxy) => {
    expect(configError(() => parseCommandLine(['serve', '--trust-proxy', proxy])).key).toBe('--trust-proxy');
    expect(configError(() => parseConfig({ trustedProxies: [proxy] }, 'f.json', '/')).key).toBe('trustedProxies[0]');
  });
});

const children: CliProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map((child) => child.stop('SIGKILL')));
});

describe('the CLI', () => {
  it('serve --allow-host: answers to that name, 421 to another', async () => {
    const port = await freePort();
    const child = await startCli(['serve', '--port', String(port), '--allow-host', 'cams.example.org', '--isolation', 'worker', '--log-level', 'warn'], `http://127.0.0.1:${port}`, { ready: (status) => status === 200 });
    children.push(child);
    const url = `http://127.0.0.1:${port}/healthz`;
    expect((await send(url, { headers: { host: `cams.example.org:${port}` } })).status).toBe(200);
    expect((await send(url, { headers: { host: `evil.example:${port}` } })).status).toBe(421);
    await child.stop();
  });
});
