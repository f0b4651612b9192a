import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HarnessError } from '../errors.ts';
import { reportFromJournal } from './build.ts';
import {
  REPORT_SCHEMA_VERSION,
  type RunReport,
  runReportSchema,
  type ScenarioReport,
  type SelfTestSection,
  selfTestSectionSchema,
} from './schema.ts';
import { buildRunReport } from './write.ts';

/**
 * A run's report from disk, for comparing runs: `path` is a report.json, or a run directory (its
 * report.json, else rendered in memory from its `<scenario>/journal.jsonl` files; nothing is
 * written). Bad input is an INVALID_ARGUMENT naming the path and what it must be.
 */
export async function loadRunReport(path: string): Promise<RunReport> {
  const full = resolve(path);
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(full)).isDirectory();
  } catch {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${path}: no such file or directory: give a run's report directory (its --report-dir) or its report.json`,
    );
  }
  if (!isDirectory) return parseRunReport(await readFile(full, 'utf8'), path);
  const json = join(full, 'report.json');
  if (existsSync(json)) return parseRunReport(await readFile(json, 'utf8'), json);
  return renderRunReport(full);
}

/**
 * report.json's text checked against this harness's schema: its version first, so that a report
 * of another version is named as such rather than as a list of missing fields.
 */
export function parseRunReport(text: string, source: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${source} is not JSON (${(error as Error).message}): give a run's report.json or its report directory`,
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${source} is not an mcp-chaos report.json (not a JSON object)`,
    );
  }
  const version = (data as { schemaVersion?: unknown }).schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    const theirs =
      version === undefined ? 'version 1 (it has no schemaVersion)' : `version ${String(version)}`;
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${source} is report.json schema ${theirs}; this mcp-chaos reads version ${REPORT_SCHEMA_VERSION}: re-render it with \`mcp-chaos report <its directory>\` (its journals are kept)`,
    );
  }
  const parsed = runReportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${source} is not a valid report.json: at ${issue?.path.join('.') || '(root)'}: ${issue?.message}; re-render it with \`mcp-chaos report <its directory>\``,
    );
  }
  return parsed.data;
}

/** The run's report rendered in memory from `dir`'s journals (and a self-test's table), not written. */
export async function renderRunReport(dir: string): Promise<RunReport> {
  const { scenarios, selfTest } = await scenarioReportsUnder(dir);
  return buildRunReport(scenarios, selfTest ? { selfTest } : {});
}

/**
 * Each scenario's report from `dir`'s journals, in `byScenario` order, and the self-test's table
 * when `dir` is a self-test's directory (its journals are then a level deeper).
 */
export async function scenarioReportsUnder(
  dir: string,
): Promise<{ scenarios: ScenarioReport[]; selfTest: SelfTestSection | undefined }> {
  const selfTest = await readSelfTest(dir);
  const reports: ScenarioReport[] = [];
  for (const path of await journalsUnder(dir, selfTest !== undefined)) {
    reports.push(await reportFromJournal(path, { journal: path }));
  }
  return { scenarios: byScenario(reports), selfTest };
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
export async function journalsUnder(dir: string, selfTest = false): Promise<string[]> {
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
