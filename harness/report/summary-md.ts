import type { Comparison } from './comparison.ts';
import { comparisonLabel } from './diff.ts';
import { scenarioLabel } from './label.ts';
import type { RunReport, ScenarioReport, SelfTestSection } from './schema.ts';

/** Evidence items per check in the collapsed block; the rest is in report.json. */
const EVIDENCE_PER_CHECK = 3;
const ICON = { pass: '✅', fail: '❌', inconclusive: '⚠️' } as const;

/**
 * The run for GitHub's step summary or a PR comment: a headline, one table row per scenario,
 * then what failed and why. Bounded per scenario (evidence capped) so a 30-scenario run stays
 * well under GitHub's 1 MiB step-summary limit and readable on one screen or two.
 */
export function toMarkdown(report: RunReport): string {
  const count = (status: ScenarioReport['status']) =>
    report.scenarios.filter((s) => s.status === status).length;
  const lines = [
    ...(report.selfTest ? selfTestLines(report.selfTest) : []),
    `## ${ICON[report.status]} mcp-chaos: ${count('pass')} passed, ${count('fail')} failed, ${count('inconclusive')} inconclusive`,
    '',
    `Run \`${inline(report.runId)}\` · seed ${report.seed} · ${report.scenarios.length} scenario${report.scenarios.length === 1 ? '' : 's'} · ${duration(report.endedAt - report.startedAt)}`,
    '',
    '| scenario | verdict | calls | failed | p95 | failed checks |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...report.scenarios.map((s) => row(s, scenarioLabel(s, report))),
    ...(report.comparison ? comparisonSection(report.comparison) : []),
  ];
  for (const scenario of report.scenarios.filter((s) => s.status !== 'pass')) {
    lines.push('', `### ${ICON[scenario.status]} ${cell(scenarioLabel(scenario, report))}`, '');
    const checks = notPassed(scenario);
    if (checks.length === 0) lines.push(`- ${cell(unexplained(scenario))}`);
    for (const verdict of checks) {
      lines.push(`- **${cell(verdict.check)}** (${verdict.status}): ${cell(verdict.summary)}`);
    }
    // One collapsed block per scenario, not per check: a scenario failing five checks stays short.
    const items = checks.flatMap((verdict) =>
      verdict.evidence
        .slice(0, EVIDENCE_PER_CHECK)
        .map(
          (e) =>
            `- ${cell(verdict.check)}: ${e.correlationId ? `\`${inline(e.correlationId)}\` ` : ''}${cell(e.message)}`,
        ),
    );
    const total = checks.reduce((sum, v) => sum + v.evidenceTotal, 0);
    if (items.length > 0) {
      const shown =
        total > items.length
          ? `the first ${EVIDENCE_PER_CHECK} per check of ${total}; all in report.json`
          : `${total}`;
      lines.push('', `<details><summary>evidence (${shown})</summary>`, '', ...items, '', '</details>');
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * "Change since baseline": one table row per change, regressions (❌) first then improvements
 * (✅), and the scenarios without change named on one line. Right under the verdicts table: a
 * reviewer asks "is it worse than yesterday?" second, after "is it broken?".
 */
function comparisonSection(comparison: Comparison): string[] {
  const { baseline, regressions, improvements } = comparison;
  const s = (n: number) => (n === 1 ? '' : 's');
  const lines = [
    '',
    `### ${regressions > 0 ? '❌' : '✅'} Change since baseline: ${regressions} regression${s(regressions)}, ${improvements} improvement${s(improvements)}`,
    '',
    `Against run \`${inline(baseline.runId)}\` (rendered ${new Date(baseline.generatedAt).toISOString()}) · p95 counts when it grows by ${percent(comparison.tolerance.p95Ratio)} and ${comparison.tolerance.p95MinMs} ms, recovery time by ${percent(comparison.tolerance.recoveryRatio)} and ${comparison.tolerance.recoveryMinMs} ms. Regressions do not change the exit code.`,
  ];
  const rows = [
    ...comparison.scenarios.flatMap((c) => c.regressions.map((change) => ({ icon: '❌', c, change }))),
    ...comparison.scenarios.flatMap((c) => c.improvements.map((change) => ({ icon: '✅', c, change }))),
  ];
  if (rows.length > 0) {
    lines.push(
      '',
      '| | scenario | change |',
      '| --- | --- | --- |',
      ...rows.map(
        ({ icon, c, change }) =>
          `| ${icon} | ${cell(comparisonLabel(c, comparison))} | ${cell(change.message)} |`,
      ),
    );
  }
  const named = (status: Comparison['scenarios'][number]['status'], label: string) => {
    const names = comparison.scenarios
      .filter((c) => c.status === status)
      .map((c) => cell(comparisonLabel(c, comparison)));
    return names.length > 0 ? [`${label}: ${names.join(', ')}`] : [];
  };
  const rest = [
    ...named('unchanged', 'Unchanged'),
    ...named('new', 'New (not in the baseline)'),
    ...named('missing', 'Missing (in the baseline, not in this run)'),
  ];
  if (rest.length > 0) lines.push('', rest.join(' · '));
  return lines;
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(2))}%`;
}

/** Why a scenario did not pass when none of its checks says so: it reached no verdict at all. */
export function unexplained(scenario: ScenarioReport): string {
  const cut = scenario.complete ? '' : ': the run was cut short (no end record in the journal)';
  return scenario.verdicts.length === 0 ? `no check reached a verdict${cut}` : `${scenario.status}${cut}`;
}

function notPassed(scenario: ScenarioReport): ScenarioReport['verdicts'] {
  return scenario.verdicts.filter((v) => v.status !== 'pass');
}

/**
 * A self-test's table first: its defect runs fail by design, so whether each defect was caught by
 * its check (and the good build passed) is the headline.
 */
function selfTestLines(selfTest: SelfTestSection): string[] {
  const caught = selfTest.defects.filter((d) => d.caught).length;
  const goodPassed = selfTest.goodBuild.every((g) => g.status === 'pass');
  const icon = selfTest.exitCode === 0 ? ICON.pass : selfTest.exitCode === 1 ? ICON.fail : ICON.inconclusive;
  return [
    `## ${icon} mcp-chaos self-test: ${caught} of ${selfTest.defects.length} defects caught, good build ${goodPassed ? 'passed' : 'did not pass'}`,
    '',
    '| defect | scenario | check | caught |',
    '| --- | --- | --- | --- |',
    ...selfTest.defects.map(
      (d) =>
        `| ${cell(d.defect)} | ${cell(d.scenario)} | ${cell(d.check)} | ${d.caught ? '✅ caught' : `❌ escaped (${d.status})`} |`,
    ),
    ...selfTest.goodBuild.map(
      (g) =>
        `| none (good build) | ${cell(g.scenario)} | every check | ${g.status === 'pass' ? '✅ passed' : `❌ ${g.status}: ${cell(g.notPassed.map((n) => n.check).join(', '))}`} |`,
    ),
    '',
  ];
}

function row(s: ScenarioReport, name: string): string {
  const failedChecks = notPassed(s).map((v) => (v.status === 'fail' ? v.check : `${v.check} (inconclusive)`));
  const p95 = s.total.latencyMs ? ms(s.total.latencyMs.p95) : '–';
  return `| ${cell(name)} | ${ICON[s.status]} ${s.status} | ${s.total.calls} | ${s.total.failed} | ${p95} | ${cell(failedChecks.join(', ')) || '–'} |`;
}

/** Text safe in a table cell or list item: no raw HTML, no column breaks, one line. */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Text inside a code span: backticks would end it. */
function inline(text: string): string {
  return text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function duration(totalMs: number): string {
  const s = Math.round(Math.max(0, totalMs) / 1000);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}
