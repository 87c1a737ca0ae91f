/**
 * Structured logs with pino: JSON lines, or a readable form on a terminal.
 * @module
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: LevelWithSilent | undefined;
  /** Readable, coloured lines instead of JSON; default: whether stdout is a terminal. */
  readonly pretty?: boolean | undefined;
}

/** The server's logger. Writes synchronously, so nothing is lost when the process exits. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const readable = options.pretty ?? process.stdout.isTTY === true;
  if (readable) {
    return pino(
      { level },
      pretty({ colorize: true, sync: true, singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,url,ui,uiDir,graphiql,cameras' }),
    );
  }
  return pino({ level });
}

/** A logger that writes nothing (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
