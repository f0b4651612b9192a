import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The formats a run writes, in the order a reader wants them (the HTML first: one file to open). */
const KNOWN = ['report.html', 'report.json', 'junit.xml', 'summary.md'];
const REPORT_FILE = /\.(?:html|json|xml|md)$/;

/**
 * The report files a run left at the top of its report dir: the known formats first, then any
 * other (a format added later is listed without this list knowing it). Journals live in the
 * scenarios' subdirectories and are not listed.
 */
export async function reportFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && REPORT_FILE.test(e.name))
    .map((e) => e.name);
  const known = KNOWN.filter((n) => names.includes(n));
  const others = names.filter((n) => !KNOWN.includes(n)).sort();
  return [...known, ...others].map((n) => join(dir, n));
}
