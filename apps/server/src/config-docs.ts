/**
 * The schema (config-schema.ts) as text: the option lines of `--help` and the
 * key table of apps/server/README.md (a test fails when the README's table
 * differs; `node apps/server/scripts/config-table.mjs` rewrites it after a build).
 * @module
 */
import { CONFIG, CONFIG_KEYS, type ConfigKey, type FlagSpec, type KeySpec, META_FLAGS } from './config-schema.ts';

const HELP_WIDTH = 80;
const LEFT = 21;

/** The README's markers around the generated table. */
export const TABLE_START = '<!-- config-keys:start (generated from src/config-schema.ts) -->';
export const TABLE_END = '<!-- config-keys:end -->';

function spec(key: ConfigKey): KeySpec<unknown> {
  return CONFIG[key];
}

/** A key's default as words: `4000; capture: 4001`, `one synthetic camera`; `undefined` when it has none. */
export function defaultText(key: ConfigKey): string | undefined {
  const fallback = spec(key).default;
  if (fallback === undefined) return undefined;
  if ('text' in fallback) return fallback.text;
  return fallback.capture === undefined ? String(fallback.value) : `${String(fallback.value)}; capture: ${String(fallback.capture)}`;
}

/** How a flag is written: `-h, --help`, `--camera ID=SOURCE`. */
export function flagUsage(flag: { name: string; short?: string; value?: string }): string {
  return `${flag.short !== undefined ? `-${flag.short}, ` : ''}--${flag.name}${flag.value !== undefined ? ` ${flag.value}` : ''}`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function optionLines(usage: string, help: string): string[] {
  const [first = '', ...rest] = wrap(help, HELP_WIDTH - LEFT - 2);
  const head = usage.length <= LEFT - 2 ? [`  ${usage.padEnd(LEFT)}${first}`] : [`  ${usage}`, `${' '.repeat(LEFT + 2)}${first}`];
  return [...head, ...rest.map((line) => `${' '.repeat(LEFT + 2)}${line}`)];
}

/** Every flag of the schema, then `--config` and `--help`, as `--help` lists them. */
export function flagLines(): string[] {
  const lines: string[] = [];
  for (const key of CONFIG_KEYS) {
    const flag: FlagSpec<unknown> | undefined = spec(key).flag;
    if (!flag) continue;
    const fallback = flag.value === undefined ? undefined : defaultText(key);
    const repeat = flag.multiple && !flag.help.includes('repeat') ? '; repeat for more' : '';
    lines.push(...optionLines(flagUsage(flag), `${flag.help}${repeat}${fallback !== undefined ? ` (default ${fallback})` : ''}`));
  }
  for (const flag of Object.values(META_FLAGS)) lines.push(...optionLines(flagUsage(flag), flag.help));
  return lines;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** The README's table of config file keys, flags and defaults. */
export function configKeyTable(): string {
  const rows = CONFIG_KEYS.map((key) => {
    const { flag, fileOnly, doc } = spec(key);
    const where = flag ? `\`${flagUsage(flag)}\`` : `file only: ${fileOnly ?? ''}`;
    const fallback = defaultText(key);
    return `| \`${key}\` | ${cell(where)} | ${fallback !== undefined ? cell(fallback) : ''} | ${cell(doc)} |`;
  });
  return ['| Key | Flag | Default | What |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
