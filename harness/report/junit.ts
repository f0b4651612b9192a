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
    '    </properties>',
    ...report.scenarios.flatMap((s) => testcase(s, scenarioLabel(s, report))),
    '  </testsuite>',
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}

function testcase(scenario: ScenarioReport, name: string): string[] {
  const open = `    <testcase classname="mcp-chaos" name="${xmlAttribute(name)}" time="${seconds(scenario.durationMs)}"`;
  if (scenario.status === 'pass') return [`${open}/>`];
  const element = scenario.status === 'fail' ? 'failure' : 'error';
  const checks = scenario.verdicts.filter((v) => v.status === scenario.status);
  const message =
    checks.length > 0 ? checks.map((v) => `${v.check}: ${v.summary}`).join('; ') : unexplained(scenario);
  return [
    `${open}>`,
    `      <${element} message="${xmlAttribute(message)}" type="${scenario.status}">${xmlContent(details(scenario, checks))}</${element}>`,
    '    </testcase>',
  ];
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
