/**
 * A camera's `credentials` in the config file, and the secrets of a config
 * (for the logger to mask). Split from config.ts, which calls it.
 * @module
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { credentialsProblem, hasUserinfo, parseSource, type SourceCredentials } from '@servercam/core';
import type { ServeConfig } from './config.ts';

type Problem = (key: string, message: string) => Error;

const CREDENTIAL_KEYS = ['username', 'password', 'passwordEnv', 'passwordFile'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A camera's `credentials`: `username`, and the password as one of `password`,
 * `passwordEnv` (the name of an environment variable holding it) or
 * `passwordFile` (a file holding it, relative to the config file; one trailing
 * newline is dropped). Only for rtsp:// and http(s):// sources without
 * credentials in the URL. No message ever quotes the password.
 */
export function checkCredentials(value: unknown, source: string | number, key: string, problem: Problem, baseDir: string, env: NodeJS.ProcessEnv): SourceCredentials {
  if (!isObject(value)) throw problem(key, 'must be an object, e.g. { "username": "admin", "passwordEnv": "DOOR_CAMERA_PASSWORD" }');
  for (const field of Object.keys(value)) {
    if (!(CREDENTIAL_KEYS as readonly string[]).includes(field)) throw problem(`${key}.${field}`, `is not a credentials setting (use ${CREDENTIAL_KEYS.join(', ')})`);
  }
  const given = (['password', 'passwordEnv', 'passwordFile'] as const).filter((field) => value[field] !== undefined);
  if (given.length > 1) throw problem(key, `must give the password one way: ${given.join(' or ')}, not both`);
  let password: string | undefined;
  if (value['passwordEnv'] !== undefined) {
    const name = value['passwordEnv'];
    if (typeof name !== 'string' || !ENV_NAME.test(name)) throw problem(`${key}.passwordEnv`, 'must be the name of an environment variable, e.g. "DOOR_CAMERA_PASSWORD"');
    password = env[name];
    if (password === undefined || password === '') throw problem(`${key}.passwordEnv`, `names the environment variable ${name}, which is not set`);
  } else if (value['passwordFile'] !== undefined) {
    const file = value['passwordFile'];
    if (typeof file !== 'string' || file === '') throw problem(`${key}.passwordFile`, 'must be a file path');
    const path = resolve(baseDir, file);
    try {
      password = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (cause) {
      throw problem(`${key}.passwordFile`, `cannot be read: ${path}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  } else {
    password = value['password'] as string | undefined;
  }
  const credentials: SourceCredentials = { username: value['username'] as string, ...(password !== undefined ? { password } : {}) };
  const wrong = credentialsProblem(credentials);
  if (wrong) throw problem(key, wrong.replace(/^password/, 'the password'));
  const spec = typeof source === 'string' ? parseSource(source) : undefined;
  if (spec?.kind !== 'url') throw problem(key, 'is for rtsp:// and http(s):// sources only');
  if (hasUserinfo(spec.url)) throw problem(key, 'is given, and the source URL has credentials too: keep them in one place (credentials)');
  return credentials;
}

/** The secrets of a config (the cameras' passwords, the tokens), for the logger to mask wherever they appear. */
export function configSecrets(config: ServeConfig): string[] {
  const secrets = (config.cameras ?? []).flatMap((camera) => (camera.credentials?.password !== undefined ? [camera.credentials.password] : []));
  for (const token of [config.auth?.viewerToken, config.auth?.operatorToken, config.auth?.adminToken, config.metricsToken]) if (token) secrets.push(token);
  return secrets;
}
