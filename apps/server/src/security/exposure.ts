/**
 * Where the server may listen. The default is 127.0.0.1. Any other address
 * without a token configured is refused, unless the user says
 * `--insecure-no-auth` (config `insecureNoAuth: true`).
 * @module
 */
import { isIP } from 'node:net';

/** Whether `host` only reaches this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

export class ExposureError extends Error {
  readonly code = 'INSECURE_EXPOSURE';
  constructor(message: string) {
    super(message);
    this.name = 'ExposureError';
  }
}

/** @throws {ExposureError} when `host` is not loopback, auth is off and the user did not opt out. */
export function checkExposure(host: string, authEnabled: boolean, insecureNoAuth: boolean): void {
  if (authEnabled || insecureNoAuth || isLoopbackHost(host)) return;
  throw new ExposureError(
    `Refusing to listen on ${host} without authentication: anyone who can reach it could watch and control the cameras. ` +
      'Set SERVERCAM_VIEWER_TOKEN and/or SERVERCAM_OPERATOR_TOKEN (or "auth" in the config file), ' +
      'or listen on 127.0.0.1, or pass --insecure-no-auth if this network is trusted.',
  );
}
