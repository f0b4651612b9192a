import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { reportFromJournal, type ScenarioReport, writeReport } from '../report/index.ts';
import { formatSummary, useColor } from './summary.ts';

/**
 * `mcp-chaos report <dir>`: report.json, report.html, junit.xml and summary.md rendered anew from the
 * `<dir>/<scenario>/journal.jsonl` files alone (the journal is the source of truth). Exit code
 * as the run's status gives: 0 passed, 1 a scenario failed, 2 inconclusive.
 */
export async function report(options: { dir: string }): Promise<number> {
  const dir = resolve(options.dir);
  const journals = await journalsUnder(dir);
  const reports: ScenarioReport[] = [];
  for (const path of journals) reports.push(await reportFromJournal(path, { journal: path }));
  const written = await writeReport(dir, byScenario(reports));
  process.stderr.write(
    `${formatSummary(written.report, written.path, { color: useColor(process.stderr) })}\n`,
  );
  return written.report.exitCode;
}

/** Scenarios in name order, so that a run and its re-rendering list them alike. */
export function byScenario(reports: readonly ScenarioReport[]): ScenarioReport[] {
  return [...reports].sort((a, b) => (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : 0));
}

async function journalsUnder(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new HarnessError('INVALID_ARGUMENT', `${dir}: no such directory: give the --report-dir of a run`);
  }
  const journals = entries
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name, 'journal.jsonl'))
    .filter((path) => existsSync(path))
    .sort();
  if (journals.length === 0) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${dir} holds no <scenario>/journal.jsonl: give the --report-dir of a run (its journals are what a report is made from)`,
    );
  }
  return journals;
}
