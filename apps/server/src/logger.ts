/**
 * Structured logs with pino: JSON lines, or a readable form on a terminal.
 *
 * Secrets never reach a log line. Two guards, both in the logger, so no call
 * site has to remember them:
 * - every line, whatever logged it (a message, an `err` with its stack, any
 *   field), goes through the core's `redactSecrets` on its way out: URL
 *   credentials and credential-like query parameters become `***`, and so do
 *   the `secrets` given (the cameras' passwords, the tokens);
 * - fields named like secrets (`credentials`, `password`, `token`, `auth`,
 *   `authorization`, `cookie`, at the top or one level down) are censored by
 *   pino's own `redact`.
 * @module
 */
import { redactSecrets } from '@servercam/core';
import { type DestinationStream, destination, type Logger, type LevelWithSilent, pino } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** The level when none is given (the config's `logLevel` default). */
export const DEFAULT_LOG_LEVEL: LevelWithSilent = 'info';

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: LevelWithSilent | undefined;
  /** Readable, coloured lines instead of JSON; default: whether stdout is a terminal. */
  readonly pretty?: boolean | undefined;
  /** Secrets masked wherever they appear in a line (passwords, tokens); shorter than 4 characters: ignored. */
  readonly secrets?: readonly string[] | undefined;
  /** Where lines go (default: stdout, synchronously). */
  readonly destination?: DestinationStream | undefined;
}

const SECRET_KEYS = ['credentials', 'password', 'token', 'auth', 'authorization', 'cookie', 'viewerToken', 'operatorToken', 'adminToken', 'secret'];

/** pino's `redact`: fields named like secrets, at the top level and one level down. */
export const LOG_REDACT = { paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`]), censor: '***' } as const;

/** A destination that redacts each line before writing it to `stream`. */
export function redactingDestination(stream: DestinationStream, secrets: readonly string[] = []): DestinationStream {
  // A line is JSON: a secret with a quote or a backslash appears escaped in it.
  const forms = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  return { write: (line: string) => stream.write(redactSecrets(line, forms)) };
}

/** The server's logger. Writes synchronously, so nothing is lost when the process exits. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? DEFAULT_LOG_LEVEL;
  const readable = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const out = readable
    ? pretty({ colorize: true, sync: true, singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,url,ui,uiDir,graphiql,cameras' })
    : (options.destination ?? destination({ dest: 1, sync: true }));
  return pino({ level, redact: { ...LOG_REDACT, paths: [...LOG_REDACT.paths] } }, redactingDestination(out, options.secrets));
}

/** A logger that writes nothing (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
