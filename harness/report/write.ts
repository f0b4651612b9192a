import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { overallStatus, statusExitCode } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { toJUnit } from './junit.ts';
import { type RunReport, runReportSchema, type ScenarioReport } from './schema.ts';
import { toMarkdown } from './summary-md.ts';

/** One run of several scenarios: the worst scenario status decides the run's. */
export function buildRunReport(scenarios: readonly ScenarioReport[]): RunReport {
  const [first] = scenarios;
  if (!first) throw new HarnessError('INVALID_ARGUMENT', 'a run report needs at least one scenario report');
  const status = overallStatus(scenarios);
  return {
    runId: first.runId,
    seed: first.seed,
    startedAt: Math.min(...scenarios.map((s) => s.startedAt)),
    endedAt: Math.max(...scenarios.map((s) => s.endedAt)),
    scenarios: [...scenarios],
    status,
    exitCode: statusExitCode(status),
  };
}

/**
 * Writes `<dir>/report.json`, and beside it `junit.xml` and `summary.md` rendered from it
 * (creating dir); returns report.json's path and content. The report is
 * validated first: a NaN latency or a missing field is a harness bug to surface here, not
 * a blank cell for a reviewer to puzzle over.
 */
export async function writeReport(
  dir: string,
  scenarios: readonly ScenarioReport[],
): Promise<{ path: string; report: RunReport }> {
  const parsed = runReportSchema.safeParse(buildRunReport(scenarios));
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
  return { path, report: parsed.data };
}
