import type { SelfTestReport } from './types.ts';

/**
 * The detection table as a person reads it:
 *
 *   defect                      scenario            check              result
 *   pool-timeouts-off           database-restart    noHangs            ✓ caught: 12 calls hung …
 */
export function formatSelfTest(report: SelfTestReport): string {
  const rows = report.defects.map((d) => [
    d.defect,
    d.scenario,
    d.check,
    d.caught ? `✓ caught: ${d.summary}` : `✗ NOT caught (${d.check} ${d.status}): ${d.summary}`,
  ]);
  const good = report.goodBuild.map((g) => [
    'none (good build)',
    g.scenario,
    'every check',
    g.status === 'pass'
      ? '✓ passed'
      : `✗ ${g.status}: ${g.notPassed.map((n) => `${n.check} ${n.status}`).join(', ')}`,
  ]);
  const all = [['defect', 'scenario', 'check', 'result'], ...rows, ...good];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : truncate(cell, 110)))
      .join('  ')
      .trimEnd();
  const caught = report.defects.filter((d) => d.caught).length;
  const passed = report.goodBuild.filter((g) => g.status === 'pass').length;
  const verdict =
    report.exitCode === 0
      ? 'every defect was caught by its check and the good build passed'
      : report.exitCode === 1
        ? 'the harness missed a defect or the good build failed: a check is not doing its job'
        : 'some runs could not be judged (inconclusive): see their journals';
  return [
    `Self-test on ${report.runtime} (seed ${report.seed}): ${caught}/${report.defects.length} defects caught, ` +
      `${passed}/${report.goodBuild.length} scenarios passed on the good build`,
    '',
    line(all[0] ?? []),
    ...all.slice(1).map(line),
    '',
    verdict,
  ].join('\n');
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
