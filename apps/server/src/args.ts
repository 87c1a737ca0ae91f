/**
 * The command line of `servercam`: `servercam serve|capture|gateway [options]`.
 * The options and their `--help` lines come from config-schema.ts.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { checkNumberText } from './config-checks.ts';
import { ConfigError, type Problem } from './config-error.ts';
import { CONFIG, CONFIG_KEYS, type ConfigKey, type Context, type FlagSpec, type KeySpec, META_FLAGS, type ServeConfig } from './config-schema.ts';
import { flagLines } from './config-docs.ts';

export const USAGE = `Usage: servercam serve [options]
       servercam capture --redis URL [options]
       servercam gateway --redis URL [options]
       servercam token create|list|revoke [options]   (servercam token --help)

Serves the cameras: GraphQL (with GraphiQL) on /graphql, MJPEG streams and
snapshots on /cameras/ID/stream.mjpeg and /cameras/ID/snapshot.jpg, the UI on /.

Scale-out (docs/deploy.md): "capture" opens the cameras and publishes their frames,
status and settings through Redis (its only route is /healthz); "gateway" serves
all of the above with no camera of its own, fed through Redis. Run one capture
node and as many gateways as needed behind a load balancer.

Options:
${flagLines().join('\n')}

Auth: set SERVERCAM_VIEWER_TOKEN, SERVERCAM_OPERATOR_TOKEN and/or SERVERCAM_ADMIN_TOKEN
(or "auth" in the config file). Viewers may watch; operators may also change settings;
admins also make access tokens (per camera, per capability, expiring) and share links.
Clients send "Authorization: Bearer TOKEN"; the UI has a sign-in page. See docs/security.md.

Access tokens (on the data directory's database; the server need not be running):
  servercam token create --label kitchen-tablet --camera kitchen --can view --expires 30d
  servercam token list
  servercam token revoke ID

Example:
  pnpm servercam serve --camera desk=0 --camera demo=videos/demo.mp4 --fps 15
`;

export type Command =
  | { readonly command: 'help' }
  | { readonly command: 'serve' | 'capture' | 'gateway'; readonly configFile: string | undefined; readonly flags: ServeConfig };

const flagProblem: Problem = (key, message) => new ConfigError(key, `Invalid option ${key}: ${message}`);

type Options = NonNullable<ParseArgsConfig['options']>;

/** The `parseArgs` options: one per schema key with a flag, and the meta flags. */
export function parseArgsOptions(): Options {
  const options: Options = {};
  const flags: Array<{ name: string; short?: string; value?: string; multiple?: true }> = [
    ...CONFIG_KEYS.flatMap((key) => {
      const flag: FlagSpec<unknown> | undefined = (CONFIG[key] as KeySpec<unknown>).flag;
      return flag ? [flag] : [];
    }),
    ...Object.values(META_FLAGS),
  ];
  for (const flag of flags) {
    options[flag.name] = {
      type: flag.value === undefined ? 'boolean' : 'string',
      ...(flag.multiple ? { multiple: true } : {}),
      ...(flag.short !== undefined ? { short: flag.short } : {}),
    };
  }
  return options;
}

/** One key's value from its flag's texts (a boolean flag: only when given). */
function fromFlag(spec: KeySpec<unknown>, flag: FlagSpec<unknown>, given: string | boolean | Array<string | boolean>, context: Context): unknown {
  const name = `--${flag.name}`;
  const texts = (Array.isArray(given) ? given : [given]).map(String);
  if (flag.value === undefined) return spec.check(true, name, context);
  if (flag.parse) return flag.parse(texts, name, context);
  const text = texts[0] ?? '';
  return spec.check(flag.numeric ? checkNumberText(text, name, flagProblem) : text, name, context);
}

/** Parses the arguments after `servercam`. Throws {@link ConfigError} (exit code 2) for a bad command line. */
export function parseCommandLine(argv: readonly string[], cwd: string = process.cwd()): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: parseArgsOptions() });
  } catch (error) {
    // node:util's own refusals of the command line (unknown option, missing value) carry this code; anything else is a bug.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_') !== true) throw error;
    throw new ConfigError('(arguments)', `${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values['help']) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command === undefined || command === 'help') return { command: 'help' };
  if (command !== 'serve' && command !== 'capture' && command !== 'gateway') throw new ConfigError('(command)', `Unknown command "${command}"\n\n${USAGE}`);
  if (rest.length > 0) throw new ConfigError('(arguments)', `Unexpected argument "${rest[0]}"\n\n${USAGE}`);

  const context: Context = { problem: flagProblem, baseDir: cwd, env: process.env };
  const flags: Partial<Record<ConfigKey, unknown>> = {};
  for (const key of CONFIG_KEYS) {
    const spec: KeySpec<unknown> = CONFIG[key];
    const given = spec.flag ? values[spec.flag.name] : undefined;
    if (spec.flag === undefined || given === undefined || given === false) continue;
    flags[key] = fromFlag(spec, spec.flag, given, context);
  }
  const configFile = values['config'];
  return { command, configFile: typeof configFile === 'string' ? configFile : undefined, flags: flags as ServeConfig };
}
