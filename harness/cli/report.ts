import { resolve } from 'node:path';
import {
  byScenario,
  loadRunReport,
  type RunReport,
  type RunReportOptions,
  readSelfTest,
  scenarioReportsUnder,
  toleranceWithRatio,
  writeReport,
} from '../report/index.ts';
import { formatSummary, useColor } from './summary.ts';

// run.ts sorts its scenarios the same way; readSelfTest moved to harness/report/load.ts.
export { byScenario, readSelfTest };

/**
 * `mcp-chaos report <dir>`: report.json, report.html, junit.xml and summary.md rendered anew from the
 * `<dir>/<scenario>/journal.jsonl` files alone (the journal is the source of truth), compared
 * with `baseline` when given. Exit code as the run's status gives: 0 passed, 1 a scenario
 * failed, 2 inconclusive (a self-test's: its table's); a regression against the baseline does
 * not change it.
 */
export async function report(options: {
  dir: string;
  baseline?: string | undefined;
  tolerance?: number | undefined;
}): Promise<number> {
  // The baseline first: a wrong path is named before any file is written.
  const baseline =
    options.baseline === undefined
      ? undefined
      : { report: await loadRunReport(options.baseline), path: resolve(options.baseline) };
  const written = await renderReport(
    resolve(options.dir),
    baseline ? { baseline, tolerance: toleranceWithRatio(options.tolerance) } : {},
  );
  // A self-test's defect runs fail by design: its table says whether the harness did its job.
  process.stderr.write(
    `${formatSummary(written.report, written.path, { color: useColor(process.stderr) })}\n`,
  );
  return written.report.selfTest?.exitCode ?? written.report.exitCode;
}

/** Every format of `dir`'s report written anew from its journals (and a self-test's table). */
export async function renderReport(
  dir: string,
  options: Pick<RunReportOptions, 'baseline' | 'tolerance'> = {},
): Promise<{ path: string; report: RunReport }> {
  const { scenarios, selfTest } = await scenarioReportsUnder(dir);
  return writeReport(dir, scenarios, { ...options, ...(selfTest ? { selfTest } : {}) });
}
