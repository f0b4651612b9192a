import type { RunReport } from '../report/index.ts';

const MARK = { pass: '✔ PASS', fail: '✘ FAIL', inconclusive: '? INCONCLUSIVE' } as const;

/** The end-of-run summary a person reads in the terminal or the CI log. */
export function formatSummary(report: RunReport, reportPath: string): string {
  const lines = [`mcp-chaos: ${MARK[report.status]} (seed ${report.seed}, exit code ${report.exitCode})`];
  for (const s of report.scenarios) {
    const calls = s.total.calls;
    lines.push(
      `  ${MARK[s.status].padEnd(15)} ${s.scenario} on ${s.runtime}: ${calls} calls in ${(s.durationMs / 1000).toFixed(1)} s, p95 ${Math.round(s.total.latencyMs?.p95 ?? 0)} ms`,
    );
    for (const phase of s.phases) {
      const outcomes = Object.entries(phase.byOutcome)
        .filter(([, n]) => n > 0)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ');
      lines.push(`      phase ${phase.name.padEnd(10)} ${outcomes || 'no calls'}`);
    }
    for (const v of s.verdicts) lines.push(`      ${v.status.padEnd(12)} ${v.check}: ${v.summary}`);
  }
  lines.push(`report: ${reportPath}`);
  return lines.join('\n');
}
