import {
  type Comparison,
  comparisonLabel,
  type ScenarioComparison,
  type Tolerance,
} from '../report/index.ts';

/**
 * A comparison with a baseline as terminal lines: the "vs baseline" block of the end-of-run
 * summary and the body of `mcp-chaos report diff`. Regressed scenarios first, each change on its
 * own line (✗ worse, ✓ better); scenarios without change on one line each.
 */
export function formatComparison(comparison: Comparison, options: { color?: boolean } = {}): string[] {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const red = (t: string) => paint(31, t);
  const green = (t: string) => paint(32, t);
  const dim = (t: string) => paint(2, t);
  const { baseline, regressions, improvements } = comparison;
  const totals = `${plural(regressions, 'regression')}, ${plural(improvements, 'improvement')}`;
  const from = `run ${baseline.runId}${baseline.path ? ` (${baseline.path})` : ''}`;
  const lines = [
    `  █ ${paint(1, 'vs baseline')}  ${regressions > 0 ? red(`✗ ${totals}`) : green(`✓ ${totals}`)}  ${dim(`${from} · ${toleranceText(comparison.tolerance)}`)}`,
    '',
  ];
  for (const s of ordered(comparison.scenarios)) {
    const name = comparisonLabel(s, comparison);
    const verdicts =
      s.baselineStatus !== null && s.currentStatus !== null && s.baselineStatus !== s.currentStatus
        ? `  ${s.baselineStatus} → ${s.currentStatus}`
        : '';
    if (s.status === 'regressed') lines.push(`    ${red('✗')} ${name}  ${red('regressed')}${verdicts}`);
    else if (s.status === 'improved')
      lines.push(`    ${green('✓')} ${name}  ${green('improved')}${verdicts}`);
    else if (s.status === 'unchanged') lines.push(`    ${dim('=')} ${name}  ${dim('unchanged')}`);
    else if (s.status === 'new') lines.push(`    ${dim('+')} ${name}  ${dim('new: not in the baseline')}`);
    else lines.push(`    ${dim('−')} ${name}  ${dim('missing: not in this run')}`);
    for (const c of s.regressions) lines.push(`        ${red('✗')} ${c.message}`);
    for (const c of s.improvements) lines.push(`        ${green('✓')} ${c.message}`);
  }
  return lines;
}

/** The tolerance in words, as the reader needs it to judge a flag. */
export function toleranceText(t: Tolerance): string {
  const pct = (ratio: number) => `+${Number((ratio * 100).toFixed(2))}%`;
  return `tolerance: p95 ${pct(t.p95Ratio)} and +${t.p95MinMs} ms, recovery ${pct(t.recoveryRatio)} and +${t.recoveryMinMs} ms`;
}

/** Regressed first, then improved, then the rest, each group in the comparison's order. */
export function ordered(scenarios: readonly ScenarioComparison[]): ScenarioComparison[] {
  const rank = { regressed: 0, improved: 1, unchanged: 2, new: 3, missing: 4 } as const;
  return [...scenarios].sort((a, b) => rank[a.status] - rank[b.status]);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
