import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import {
  type RunReport,
  reportFromJournal,
  type ScenarioReport,
  type SelfTestSection,
  selfTestSectionSchema,
  writeReport,
} from '../report/index.ts';
import { formatSummary, useColor } from './summary.ts';

/**
 * `mcp-chaos report <dir>`: report.json, report.html, junit.xml and summary.md rendered anew from the
 * `<dir>/<scenario>/journal.jsonl` files alone (the journal is the source of truth). Exit code
 * as the run's status gives: 0 passed, 1 a scenario failed, 2 inconclusive.
 */
export async function report(options: { dir: string }): Promise<number> {
  const written = await renderReport(resolve(options.dir));
  // A self-test's defect runs fail by design: its table says whether the harness did its job.
  process.stderr.write(
    `${formatSummary(written.report, written.path, { color: useColor(process.stderr) })}\n`,
  );
  return written.report.selfTest?.exitCode ?? written.report.exitCode;
}

/** Every format of `dir`'s report written anew from its journals (and a self-test's table). */
export async function renderReport(dir: string): Promise<{ path: string; report: RunReport }> {
  const selfTest = await readSelfTest(dir);
  const journals = await journalsUnder(dir, selfTest !== undefined);
  const reports: ScenarioReport[] = [];
  for (const path of journals) reports.push(await reportFromJournal(path, { journal: path }));
  return writeReport(dir, byScenario(reports), selfTest ? { selfTest } : {});
}

/** Scenarios in name order (then target), so that a run and its re-rendering list them alike. */
export function byScenario(reports: readonly ScenarioReport[]): ScenarioReport[] {
  const key = (r: ScenarioReport) => `${r.scenario}\u0000${r.target ?? ''}`;
  return [...reports].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * A self-test's table (`selftest.json`, written by `mcp-chaos selftest` from its runs), when `dir`
 * is a self-test's directory; a table that does not parse is an error, not a silent omission.
 */
export async function readSelfTest(dir: string): Promise<SelfTestSection | undefined> {
  const path = join(dir, 'selftest.json');
  if (!existsSync(path)) return undefined;
  const parsed = selfTestSectionSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${path} is not a self-test table (${issue?.path.join('.')}: ${issue?.message}): run mcp-chaos selftest again to write it`,
    );
  }
  return parsed.data;
}

/** `<dir>/<scenario>/journal.jsonl`; a self-test's are a level deeper: `<dir>/<defect|good>/<scenario>/`. */
async function journalsUnder(dir: string, selfTest = false): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new HarnessError('INVALID_ARGUMENT', `${dir}: no such directory: give the --report-dir of a run`);
  }
  const subdirs = entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  const nested = selfTest
    ? (
        await Promise.all(
          subdirs.map(async (sub) =>
            (
              await readdir(sub, { withFileTypes: true })
            )
              .filter((e) => e.isDirectory())
              .map((e) => join(sub, e.name)),
          ),
        )
      ).flat()
    : [];
  const journals = [...subdirs, ...nested]
    .map((d) => join(d, 'journal.jsonl'))
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
