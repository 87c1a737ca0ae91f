/** Figures measured by the security tests, merged into artifacts/security-figures.json (for the issue note). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../../../../artifacts/security-figures.json', import.meta.url));

export async function recordFigures(section: string, figures: Record<string, unknown>): Promise<void> {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(await readFile(FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // First figures.
  }
  all[section] = { ...figures, at: new Date().toISOString() };
  await mkdir(new URL('.', `file://${FILE}`).pathname, { recursive: true });
  await writeFile(FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[figures] ${section}: ${JSON.stringify(figures)}`);
}
