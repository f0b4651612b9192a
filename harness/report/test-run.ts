// A hand-built run report for the format tests (JUnit, Markdown). Not part of the public face.
import type { Verdict } from '../checks/index.ts';
import { call } from '../checks/test-journal.ts';
import type { JournalRecord } from '../journal/index.ts';
import { buildReport } from './build.ts';
import type { RunReport, ScenarioReport } from './schema.ts';
import { buildRunReport } from './write.ts';

const T0 = 1_700_000_000_000;

/** A scenario of 20 calls (two failed) over 2 s, judged by the verdicts given. */
export function scenario(
  name: string,
  verdicts: Verdict[],
  options: { complete?: boolean; target?: string } = {},
): ScenarioReport {
  const records: JournalRecord[] = [
    {
      type: 'header',
      runId: 'run-7',
      scenario: name,
      seed: 7,
      runtime: 'local',
      startedAt: T0,
      versions: { harness: '0.1.0', node: 'v24.21.0' },
      config: options.target ? { target: options.target } : {},
    },
    { type: 'phase', name: 'baseline', event: 'start', at: T0 },
    ...Array.from({ length: 20 }, (_, i) =>
      call({
        at: T0 + i * 100,
        ms: i + 1,
        phase: 'baseline',
        ...(i < 2 ? { outcome: 'timeout' as const } : {}),
      }),
    ),
    { type: 'phase', name: 'baseline', event: 'end', at: T0 + 2000 },
    ...(options.complete === false ? [] : [{ type: 'end' as const, at: T0 + 2000 }]),
  ];
  return buildReport(records, verdicts);
}

export function verdict(
  check: string,
  status: Verdict['status'],
  summary = `${check} ${status}`,
  evidence: Verdict['evidence'] = [],
): Verdict {
  return { check, status, summary, evidence, evidenceTotal: evidence.length };
}

/** Three scenarios: one passed, one failed (noHangs, with evidence), one inconclusive. */
export function mixedRun(): RunReport {
  return buildRunReport([
    scenario('steady-load', [verdict('noHangs', 'pass'), verdict('slo', 'pass')]),
    scenario('database-restart', [
      verdict('noHangs', 'fail', '2 calls hung past 1 s', [
        { correlationId: 'corr-a', message: 'lookup_customer took 1.5 s' },
        { message: 'no id here' },
      ]),
      verdict('recoversWithin', 'pass'),
    ]),
    scenario('load-surge', [
      verdict('driverHealthy', 'inconclusive', 'the driver lagged 2 s'),
      verdict('noHangs', 'pass'),
    ]),
  ]);
}

/**
 * mixedRun's scenarios compared with a baseline run in which: steady-load recovered from a
 * restart (now it never did, though it still passes), database-restart's noHangs passed (now it
 * fails), load-surge's driverHealthy failed (now inconclusive: better), and a scenario `gone` ran.
 */
export function comparedRun(): RunReport {
  const healed = (recoveredAfterMs: number | null) => [
    { fault: 'restart(postgres)', healedOffsetMs: 1000, recoveredAfterMs },
  ];
  const baseline = buildRunReport(
    [
      {
        ...scenario('steady-load', [verdict('noHangs', 'pass'), verdict('slo', 'pass')]),
        recovery: healed(0),
      },
      scenario('database-restart', [verdict('noHangs', 'pass'), verdict('recoversWithin', 'pass')]),
      scenario('load-surge', [verdict('driverHealthy', 'fail'), verdict('noHangs', 'pass')]),
      scenario('gone', [verdict('noHangs', 'pass')]),
    ],
    { generatedAt: T0 },
  );
  const [steady, ...rest] = mixedRun().scenarios;
  return buildRunReport([{ ...(steady as ScenarioReport), recovery: healed(null) }, ...rest], {
    baseline: { report: { ...baseline, runId: 'run-6' }, path: '/reports/run-6' },
  });
}
