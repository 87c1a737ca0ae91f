// Rewrites the config key table in apps/server/README.md from the schema
// (src/config-schema.ts), through the build: run `pnpm run build` first.
// test/config.schema.test.ts fails while the README's table differs.
import { readFileSync, writeFileSync } from 'node:fs';
import { configKeyTable, TABLE_END, TABLE_START } from '../dist/config-docs.js';

const readme = new URL('../README.md', import.meta.url);
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(TABLE_START);
const end = text.indexOf(TABLE_END);
if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${TABLE_START} … ${TABLE_END}`);
writeFileSync(readme, `${text.slice(0, start + TABLE_START.length)}\n${configKeyTable()}\n${text.slice(end)}`);
