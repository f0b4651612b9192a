import { resolve } from 'node:path';
import { compareReports, loadRunReport, toleranceWithRatio } from '../report/index.ts';
import { formatComparison } from './comparison.ts';
import { useColor } from './summary.ts';

/**
 * `mcp-chaos report diff OLD NEW`: NEW compared with OLD, printed on stdout (a table, or the
 * Comparison as JSON). The exit code is the regression signal for CI: 1 when anything got worse
 * beyond tolerance, else 0 (bad input: 64, from the HarnessError `loadRunReport` throws).
 */
export async function reportDiff(options: {
  old: string;
  new: string;
  tolerance?: number | undefined;
  json: boolean;
}): Promise<number> {
  const baseline = await loadRunReport(options.old);
  const current = await loadRunReport(options.new);
  const comparison = compareReports(baseline, current, toleranceWithRatio(options.tolerance), {
    baseline: resolve(options.old),
    current: resolve(options.new),
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
  } else {
    const lines = [
      `mcp-chaos report diff: run ${current.runId} against run ${baseline.runId}`,
      '',
      ...formatComparison(comparison, { color: useColor(process.stdout) }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return comparison.regressions > 0 ? 1 : 0;
}
