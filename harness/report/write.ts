import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { overallStatus, statusExitCode } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import type { Tolerance } from './comparison.ts';
import { compareReports } from './diff.ts';
import { toHtml } from './html/index.ts';
import { toJUnit } from './junit.ts';
import {
  REPORT_SCHEMA_VERSION,
  type RunReport,
  runReportSchema,
  type ScenarioReport,
  type SelfTestSection,
} from './schema.ts';
import { toMarkdown } from './summary-md.ts';

export interface RunReportOptions {
  /** When the files are rendered (default now): the one field a re-rendering changes. */
  generatedAt?: number;
  selfTest?: SelfTestSection;
  /** A run to compare with (its report and where it was read from): adds `comparison`. */
  baseline?: { report: RunReport; path?: string };
  /** Bounds of that comparison (default DEFAULT_TOLERANCE). */
  tolerance?: Tolerance;
}

/**
 * One run of several scenarios: the worst scenario status decides the run's; its metadata is
 * the scenarios' (from their journals' headers), merged.
 */
export function buildRunReport(
  scenarios: readonly ScenarioReport[],
  options: RunReportOptions = {},
): RunReport {
  const [first] = scenarios;
  if (!first) throw new HarnessError('INVALID_ARGUMENT', 'a run report needs at least one scenario report');
  const status = overallStatus(scenarios);
  const runtimes = new Set(scenarios.map((s) => s.runtime));
  const profile = scenarios.find((s) => s.profile !== undefined)?.profile;
  const host = scenarios.find((s) => s.host !== undefined)?.host;
  const report: RunReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: first.runId,
    seed: first.seed,
    generatedAt: options.generatedAt ?? Date.now(),
    startedAt: Math.min(...scenarios.map((s) => s.startedAt)),
    endedAt: Math.max(...scenarios.map((s) => s.endedAt)),
    runtime: runtimes.size === 1 ? first.runtime : 'mixed',
    ...(profile !== undefined ? { profile } : {}),
    ...(host !== undefined ? { host } : {}),
    versions: mergedVersions(scenarios),
    scenarios: [...scenarios],
    ...(options.selfTest ? { selfTest: options.selfTest } : {}),
    status,
    exitCode: statusExitCode(status),
  };
  if (!options.baseline) return report;
  // The verdicts alone decide the exit code: a regression is reported, not failed on.
  const { report: baseline, path } = options.baseline;
  const comparison = compareReports(
    baseline,
    report,
    options.tolerance,
    path !== undefined ? { baseline: path } : {},
  );
  return { ...report, comparison };
}

/** Each version as the scenarios gave it; several different ones are listed together. */
function mergedVersions(scenarios: readonly ScenarioReport[]): RunReport['versions'] {
  const pick = (key: keyof ScenarioReport['versions']) => {
    const seen = [...new Set(scenarios.flatMap((s) => (s.versions[key] ? [s.versions[key]] : [])))];
    return seen.length === 0 ? undefined : seen.join(', ');
  };
  const out: RunReport['versions'] = {
    harness: pick('harness') ?? 'unknown',
    node: pick('node') ?? 'unknown',
  };
  for (const key of ['target', 'toxiproxy', 'postgres'] as const) {
    const value = pick(key);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Writes `<dir>/report.json`, and beside it `junit.xml`, `summary.md` and `report.html` rendered from it
 * (creating dir); returns report.json's path and content. The report is
 * validated first: a NaN latency or a missing field is a harness bug to surface here, not
 * a blank cell for a reviewer to puzzle over.
 */
export async function writeReport(
  dir: string,
  scenarios: readonly ScenarioReport[],
  options: RunReportOptions = {},
): Promise<{ path: string; report: RunReport }> {
  const parsed = runReportSchema.safeParse(buildRunReport(scenarios, options));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `report invalid at ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'report.json');
  await writeFile(path, `${JSON.stringify(parsed.data, null, 2)}\n`);
  await writeFile(join(dir, 'junit.xml'), toJUnit(parsed.data));
  await writeFile(join(dir, 'summary.md'), toMarkdown(parsed.data));
  await writeFile(join(dir, 'report.html'), toHtml(parsed.data));
  return { path, report: parsed.data };
}
