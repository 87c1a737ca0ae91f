/**
 * A camera's `credentials` in the config file: the password given plainly,
 * through an environment variable or a file; checked where the config is
 * parsed, and never quoted in an error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig } from '../src/index.ts';
import { configSecrets } from '../src/config-credentials.ts';
import { configError } from './helpers/config-error.ts';
import { tempDir } from './helpers/media.ts';

const PASSWORD = 'p@ss:w/rd-0451';

function parse(credentials: unknown, source: unknown = 'rtsp://cam.local/stream', env: NodeJS.ProcessEnv = {}): ReturnType<typeof parseConfig> {
  return parseConfig({ cameras: [{ id: 'door', source, credentials }] }, 'servercam.json', tempDir, env);
}

/** The ConfigError `run` throws, which never quotes the password. */
function refusal(run: () => unknown): ConfigError {
  const error = configError(run);
  expect(error.message).not.toContain(PASSWORD);
  return error;
}

describe('camera credentials in the config', () => {
  it('a plain password', () => {
    expect(parse({ username: 'admin', password: PASSWORD }).cameras![0]!.credentials).toEqual({ username: 'admin', password: PASSWORD });
  });

  it('a user without a password', () => {
    expect(parse({ username: 'viewer' }).cameras![0]!.credentials).toEqual({ username: 'viewer' });
  });

  it('passwordEnv reads the password from the environment', () => {
    expect(parse({ username: 'admin', passwordEnv: 'DOOR_PASSWORD' }, undefined, { DOOR_PASSWORD: PASSWORD }).cameras![0]!.credentials).toEqual({ username: 'admin', password: PASSWORD });
  });

  it('passwordEnv naming an unset variable is refused, naming the variable', () => {
    const error = refusal(() => parse({ username: 'admin', passwordEnv: 'DOOR_PASSWORD' }));
    expect(error.key).toBe('cameras[0].credentials.passwordEnv');
    expect(error.message).toContain('DOOR_PASSWORD');
  });

  it('passwordFile reads the password from a file beside the config, without its trailing newline', () => {
    writeFileSync(join(tempDir, 'door.password'), `${PASSWORD}\n`);
    expect(parse({ username: 'admin', passwordFile: 'door.password' }).cameras![0]!.credentials).toEqual({ username: 'admin', password: PASSWORD });
  });

  it('a missing passwordFile is refused', () => {
    expect(refusal(() => parse({ username: 'admin', passwordFile: 'nope.password' })).key).toBe('cameras[0].credentials.passwordFile');
  });

  it('two ways of giving the password are refused', () => {
    expect(refusal(() => parse({ username: 'admin', password: PASSWORD, passwordEnv: 'X' }, undefined, { X: 'y' })).message).toMatch(/one way/);
  });

  it('a username with ":" is refused, without quoting the password', () => {
    expect(refusal(() => parse({ username: 'ad:min', password: PASSWORD })).key).toBe('cameras[0].credentials');
  });

  it('a password with a line break is refused, without quoting it', () => {
    refusal(() => parse({ username: 'admin', password: `${PASSWORD}\r\nX-Evil: 1` }));
  });

  it('an unknown field is refused', () => {
    expect(refusal(() => parse({ username: 'admin', passwd: PASSWORD })).key).toBe('cameras[0].credentials.passwd');
  });

  it('credentials on a file or device source are refused', () => {
    expect(refusal(() => parse({ username: 'admin', password: PASSWORD }, 0)).message).toMatch(/rtsp:\/\/ and http\(s\):\/\/ sources only/);
    expect(refusal(() => parse({ username: 'admin', password: PASSWORD }, 'videos/a.mp4')).message).toMatch(/sources only/);
  });

  it('credentials and credentials in the URL too are refused', () => {
    expect(refusal(() => parse({ username: 'admin', password: PASSWORD }, 'rtsp://u:p@cam.local/stream')).message).toMatch(/one place/);
  });

  it('the passwords are among the secrets the logger masks', () => {
    expect(configSecrets(parse({ username: 'admin', password: PASSWORD }))).toEqual([PASSWORD]);
  });
});
