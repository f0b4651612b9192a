import type { Comparison, ScenarioComparison } from './comparison.ts';
import { comparisonOf } from './diff.ts';
import { scenarioLabel } from './label.ts';
import type { RunReport, ScenarioReport } from './schema.ts';
import { unexplained } from './summary-md.ts';
import { xmlAttribute, xmlContent } from './xml.ts';

/** Evidence items quoted per failed check: enough to start from, the rest is in report.json. */
const EVIDENCE_PER_CHECK = 5;

type Verdicts = ScenarioReport['verdicts'];

/**
 * The run as JUnit XML for CI: one testsuite, one testcase per scenario. A failed scenario is a
 * <failure>; an inconclusive one is an <error>, not <skipped>, so that CI never goes green on a
 * run whose conditions the harness could not establish.
 */
export function toJUnit(report: RunReport): string {
  const failures = report.scenarios.filter((s) => s.status === 'fail').length;
  const errors = report.scenarios.filter((s) => s.status === 'inconclusive').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mcp-chaos" tests="${report.scenarios.length}" failures="${failures}" errors="${errors}" time="${seconds(report.endedAt - report.startedAt)}">`,
    `  <testsuite name="${xmlAttribute(`mcp-chaos ${report.runId}`)}" tests="${report.scenarios.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(report.endedAt - report.startedAt)}" timestamp="${new Date(report.startedAt).toISOString()}">`,
    '    <properties>',
    `      <property name="runId" value="${xmlAttribute(report.runId)}"/>`,
    `      <property name="seed" value="${report.seed}"/>`,
    `      <property name="status" value="${report.status}"/>`,
    ...(report.comparison
      ? [
          `      <property name="baseline.runId" value="${xmlAttribute(report.comparison.baseline.runId)}"/>`,
          `      <property name="baseline.regressions" value="${report.comparison.regressions}"/>`,
          `      <property name="baseline.improvements" value="${report.comparison.improvements}"/>`,
        ]
      : []),
    '    </properties>',
    ...report.scenarios.flatMap((s) => testcase(s, scenarioLabel(s, report), report.comparison)),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * One scenario. A <failure>/<error> is exactly a failed/inconclusive verdict; a regression against
 * the baseline is never one (the verdicts decide the run), so it goes in the testcase's
 * <properties> (baseline.*) and its messages in <system-out>, which CI shows beside the case.
 */
function testcase(scenario: ScenarioReport, name: string, comparison: Comparison | undefined): string[] {
  const open = `    <testcase classname="mcp-chaos" name="${xmlAttribute(name)}" time="${seconds(scenario.durationMs)}"`;
  const change = comparison ? comparisonOf(comparison, scenario) : undefined;
  if (scenario.status === 'pass' && !change) return [`${open}/>`];
  const lines = [`${open}>`];
  if (change) lines.push(...baselineProperties(change));
  if (scenario.status !== 'pass') {
    const element = scenario.status === 'fail' ? 'failure' : 'error';
    const checks = scenario.verdicts.filter((v) => v.status === scenario.status);
    const message =
      checks.length > 0 ? checks.map((v) => `${v.check}: ${v.summary}`).join('; ') : unexplained(scenario);
    lines.push(
      `      <${element} message="${xmlAttribute(message)}" type="${scenario.status}">${xmlContent(details(scenario, checks))}</${element}>`,
    );
  }
  if (change && comparison && change.regressions.length + change.improvements.length > 0) {
    lines.push(`      <system-out>${xmlContent(changes(change, comparison.baseline.runId))}</system-out>`);
  }
  lines.push('    </testcase>');
  return lines;
}

function baselineProperties(change: ScenarioComparison): string[] {
  return [
    '      <properties>',
    `        <property name="baseline.status" value="${change.status}"/>`,
    `        <property name="baseline.regressions" value="${change.regressions.length}"/>`,
    `        <property name="baseline.improvements" value="${change.improvements.length}"/>`,
    '      </properties>',
  ];
}

function changes(change: ScenarioComparison, runId: string): string {
  const list = (title: string, items: ScenarioComparison['regressions']) =>
    items.length === 0
      ? []
      : [`${title} since baseline run ${runId}:`, ...items.map((c) => `  - ${c.message}`)];
  return [...list('Regressions', change.regressions), ...list('Improvements', change.improvements)].join(
    '\n',
  );
}

/** The body: each check's summary, then its first evidence items with their correlation ids. */
function details(scenario: ScenarioReport, checks: Verdicts): string {
  if (checks.length === 0) return unexplained(scenario);
  return checks
    .map((v) => {
      const evidence = v.evidence
        .slice(0, EVIDENCE_PER_CHECK)
        .map((e) => `  - ${e.correlationId ? `[${e.correlationId}] ` : ''}${e.message}`);
      const more = v.evidenceTotal - Math.min(v.evidence.length, EVIDENCE_PER_CHECK);
      if (more > 0) evidence.push(`  … ${more} more in report.json`);
      return [`${v.check} (${v.status}): ${v.summary}`, ...evidence].join('\n');
    })
    .join('\n\n');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}
