/**
 * `servercam token create|list|revoke`: access tokens on the data
 * directory's database (`--data-dir`, or the config file's `dataDir`, default
 * ./servercam-data), with or without the server running (a running server
 * sees a revocation within a second: access/live.ts).
 *
 * ```sh
 * servercam token create --label kitchen-tablet --camera kitchen --can view --expires 30d
 * servercam token list
 * servercam token revoke 3f2c…
 * ```
 * `create` prints the secret once (stdout's last line, alone, for scripts);
 * nothing else ever shows it.
 * @module
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/log.ts';
import { AuditRecorder } from '../audit/record.ts';
import { ConfigError } from '../config-error.ts';
import { DEFAULT_DATA_DIR } from '../events/config.ts';
import { DATABASE_FILE } from './database.ts';
import type { Capability } from './principal.ts';
import { AccessStore, CLI_ACTOR } from './store.ts';
import { type AccessToken, InvalidAccessInput } from './token-store.ts';

export const TOKEN_USAGE = `Usage: servercam token create --label LABEL [--camera ID]... [--can CAPABILITY]... [--expires WHEN]
       servercam token list
       servercam token revoke ID

Access tokens, kept (as hashes) in the data directory's database. Options:
  --label LABEL       what the token is for (kitchen-tablet)
  --camera ID         a camera it reaches; repeat for more (default: every camera, "*")
  --can CAPABILITY    view, events, control or admin; repeat for more (default: view)
  --expires WHEN      30d, 12h, 90m, 2w, or a date (2027-01-31T00:00:00Z); default: never
  --data-dir DIR      the data directory (default ./${DEFAULT_DATA_DIR}, or the config's dataDir)
  --config FILE       read dataDir from this config file
  --json              print JSON
`;

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30d`, `12h`, `90m`, `2w` from now, or an ISO date. @throws {ConfigError} */
export function parseExpiry(text: string, now = Date.now()): number {
  const unit = UNITS[text.slice(-1)];
  const amount = text.slice(0, -1);
  if (unit !== undefined && /^\d{1,6}$/.test(amount) && Number(amount) > 0) return now + Number(amount) * unit;
  const date = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(date)) return date;
  throw new ConfigError('--expires', `Invalid option --expires: use 30d, 12h, 90m, 2w or a date such as 2027-01-31T00:00:00Z, got "${text}"`);
}

function describe(token: AccessToken): string {
  const expires = token.expiresAt === undefined ? 'never' : new Date(token.expiresAt).toISOString();
  const used = token.lastUsedAt === undefined ? 'never' : new Date(token.lastUsedAt).toISOString();
  return `${token.id}  ${token.label}  cameras: ${token.cameras.join(',')}  can: ${token.capabilities.join(',')}  expires: ${expires}  last used: ${used}`;
}

/** The audit trail on the store's database: the command's changes are recorded as `cli` (written when disposed, before the store closes). */
function auditOf(store: AccessStore): AuditRecorder {
  return new AuditRecorder(new AuditLog(store.database, { prune: false }), { access: store });
}

export interface TokenCommandIo {
  readonly out: (text: string) => void;
  /** The data directory when neither --data-dir nor --config names one. */
  readonly dataDirOf?: ((configFile: string) => Promise<string | undefined>) | undefined;
}

/** Runs `servercam token …` (argv after `token`). @throws {ConfigError} for a bad command line (exit code 2). */
export async function runTokenCommand(argv: readonly string[], io: TokenCommandIo): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        label: { type: 'string' },
        camera: { type: 'string', multiple: true },
        can: { type: 'string', multiple: true },
        expires: { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_') !== true) throw error;
    throw new ConfigError('(arguments)', `${(error as Error).message}\n\n${TOKEN_USAGE}`);
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    io.out(TOKEN_USAGE);
    return;
  }
  const fromConfig = values.config !== undefined ? await io.dataDirOf?.(values.config) : undefined;
  const dataDir = resolve(values['data-dir'] ?? fromConfig ?? DEFAULT_DATA_DIR);
  const json = values.json === true;
  if (action === 'create') {
    if (rest.length > 0) throw new ConfigError('(arguments)', `Unexpected argument "${rest[0]}"\n\n${TOKEN_USAGE}`);
    if (values.label === undefined) throw new ConfigError('--label', `servercam token create needs --label\n\n${TOKEN_USAGE}`);
    const expiresAt = values.expires !== undefined ? parseExpiry(values.expires) : undefined;
    using store = AccessStore.open(dataDir);
    using _audit = auditOf(store);
    let created;
    try {
      created = store.createToken({
        label: values.label,
        cameras: values.camera ?? ['*'],
        capabilities: (values.can ?? ['view']) as Capability[],
        expiresAt,
      }, CLI_ACTOR);
    } catch (error) {
      if (error instanceof InvalidAccessInput) {
        const flag = `--${error.field === 'capabilities' ? 'can' : error.field === 'cameras' ? 'camera' : error.field}`;
        throw new ConfigError(flag, `Invalid option ${flag}: ${error.message}`);
      }
      throw error;
    }
    if (json) io.out(`${JSON.stringify({ token: created.token, secret: created.secret })}\n`);
    else io.out(`created: ${describe(created.token)}\nThe secret is shown this once (send it as "Authorization: Bearer <secret>"):\n${created.secret}\n`);
    return;
  }
  if (action === 'list') {
    if (rest.length > 0) throw new ConfigError('(arguments)', `Unexpected argument "${rest[0]}"\n\n${TOKEN_USAGE}`);
    // Listing never creates a data directory.
    if (!existsSync(join(dataDir, DATABASE_FILE))) {
      io.out(json ? '[]\n' : `no tokens (no database in ${dataDir})\n`);
      return;
    }
    using store = AccessStore.open(dataDir);
    const tokens = store.tokens.list();
    if (json) io.out(`${JSON.stringify(tokens)}\n`);
    else io.out(tokens.length === 0 ? 'no tokens\n' : `${tokens.map(describe).join('\n')}\n`);
    return;
  }
  if (action === 'revoke') {
    const [id, ...more] = rest;
    if (id === undefined || more.length > 0) throw new ConfigError('(arguments)', `servercam token revoke needs one token id\n\n${TOKEN_USAGE}`);
    if (!existsSync(join(dataDir, DATABASE_FILE))) throw new ConfigError('--data-dir', `No database in ${dataDir}: give the server's --data-dir`);
    using store = AccessStore.open(dataDir);
    using _audit = auditOf(store);
    const token = store.revokeToken(id, CLI_ACTOR);
    if (!token) throw new ConfigError('(id)', `No token "${id}" to revoke (see servercam token list)`);
    io.out(json ? `${JSON.stringify(token)}\n` : `revoked: ${describe(token)}\n`);
    return;
  }
  throw new ConfigError('(command)', `Unknown token command "${action}"\n\n${TOKEN_USAGE}`);
}
