import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noHangs, runChecks, statusExitCode, thresholds } from '../checks/index.ts';
import { call, fault } from '../checks/test-journal.ts';
import { type CallRecord, digest, type JournalRecord } from '../journal/index.ts';
import { isFailed } from '../stats/index.ts';
import { buildReport, buildReportFrom, OUTSIDE_PHASES, reportFromJournal } from './build.ts';
import { type LatencySummary, runReportSchema, type ScenarioReport, scenarioReportSchema } from './schema.ts';
import { percentile } from './stats.ts';
import { comparedRun } from './test-run.ts';
import { buildRunReport, writeReport } from './write.ts';

const T0 = 1_700_000_000_000;
const header: JournalRecord = {
  type: 'header',
  runId: 'run-1',
  scenario: 'db-restart',
  seed: 42,
  runtime: 'local',
  startedAt: T0,
  versions: { harness: '0.1.0', node: 'v24.21.0' },
  config: {},
};

/** baseline: 100 calls of 1..100 ms; fault: 2 calls, one started 50 ms late by the driver. */
function journal(): JournalRecord[] {
  return [
    header,
    { type: 'phase', name: 'baseline', event: 'start', at: T0 },
    ...Array.from({ length: 100 }, (_, i) => call({ at: T0 + i, ms: i + 1, phase: 'baseline' })),
    { type: 'phase', name: 'baseline', event: 'end', at: T0 + 1000 },
    { type: 'phase', name: 'fault', event: 'start', at: T0 + 1000 },
    fault('inject', T0 + 1000),
    call({ at: T0 + 1100, ms: 10, outcome: 'transport-error' }), // no phase field: placed by time
    call({ intendedStart: T0 + 1200, actualStart: T0 + 1250, end: T0 + 1260, outcome: 'timeout' }),
    {
      type: 'fault',
      fault: 'latency',
      event: 'error',
      at: T0 + 1500,
      link: 'target→postgres',
      detail: 'toxiproxy said 500',
    },
    fault('heal', T0 + 2000),
    { type: 'phase', name: 'fault', event: 'end', at: T0 + 2000 },
    call({ at: T0 + 5000 }),
    { type: 'lag', from: T0, to: T0 + 1000, scheduled: 100, maxLagMs: 3, meanLagMs: 1, dropped: 0 },
    { type: 'lag', from: T0 + 1000, to: T0 + 2000, scheduled: 300, maxLagMs: 50, meanLagMs: 5, dropped: 2 },
    { type: 'end', at: T0 + 6000 },
  ];
}

describe('buildReport', () => {
  const records = journal();
  const verdicts = runChecks([noHangs({ maxMs: 50 })], records);
  const report = buildReport(records, verdicts, { journal: 'j.jsonl' });

  it('is valid against its schema and JSON-serialisable', () => {
    expect(scenarioReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('reports the run, per-phase counts and exact percentiles of latency and service time', () => {
    expect(report).toMatchObject({
      runId: 'run-1',
      scenario: 'db-restart',
      seed: 42,
      durationMs: 6000,
      complete: true,
    });
    expect(report.phases.map((p) => [p.name, p.calls])).toEqual([
      ['baseline', 100],
      ['fault', 2],
      [OUTSIDE_PHASES, 1],
    ]);
    const [baseline, faulted] = report.phases;
    // count, min, mean and max exact; percentiles the HDR value, within its precision of the exact one.
    expect(baseline?.latencyMs).toMatchObject({ count: 100, min: 1, mean: 50.5, max: 100 });
    expectPercentiles(
      baseline?.latencyMs ?? null,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    expect(baseline?.latencyMs?.p95).toBeCloseTo(95, 1);
    expect(faulted?.byOutcome).toEqual({
      ok: 0,
      error: 0,
      'protocol-error': 0,
      'transport-error': 1,
      timeout: 1,
    });
    expect(faulted?.latencyMs?.max).toBe(60); // as the user waited: from the intended start
    expect(faulted?.serviceMs?.max).toBe(10); // as the target served it: from the actual start
    expect(report.total.calls).toBe(103);
    expect(report.total.failed).toBe(2);
    expect(baseline?.ratePerSecond).toBe(100); // 100 calls in its 1 s window
    expect(report.statistics).toEqual({ method: 'hdr-histogram', significantDigits: 3, resolutionMs: 0.001 });
  });

  it('reports per tool and per outcome class, and every percentile equals a recomputation from the journal', () => {
    const calls = records.filter((r): r is CallRecord => r.type === 'call');
    const latencies = (cs: CallRecord[]) => cs.map((c) => c.end - c.intendedStart);
    expectPercentiles(report.total.latencyMs, latencies(calls));
    expectPercentiles(
      report.total.serviceMs,
      calls.map((c) => c.end - c.actualStart),
    );
    expect(report.tools.map((t) => [t.tool, t.calls])).toEqual([['lookup_customer', 103]]);
    expect(report.outcomes.map((o) => [o.outcome, o.calls])).toEqual([
      ['ok', 101],
      ['error', 0],
      ['protocol-error', 0],
      ['transport-error', 1],
      ['timeout', 1],
      ['failed', 2],
    ]);
    const failed = report.outcomes.find((o) => o.outcome === 'failed');
    expectPercentiles(failed?.latencyMs ?? null, latencies(calls.filter((c) => isFailed(c))));
  });

  it('reports faults with inject and heal times, driver lag, verdicts and exit code', () => {
    expect(report.faults).toEqual([
      {
        fault: 'latency',
        link: 'target→postgres',
        injectedAt: T0 + 1000,
        healedAt: T0 + 2000,
        injectedOffsetMs: 1000,
        healedOffsetMs: 2000,
        errors: ['toxiproxy said 500'],
      },
    ]);
    expect(report.lag).toEqual({ windows: 2, scheduled: 400, maxLagMs: 50, meanLagMs: 4, dropped: 2 });
    expect(report.verdicts[0]?.status).toBe('fail');
    expect(report).toMatchObject({ status: 'fail', exitCode: 1 });
  });

  it('gives the same call-sequence digest whatever the times and journal order, and notices a cut-short journal', () => {
    const shifted = records.map((r) =>
      r.type === 'call' ? { ...r, intendedStart: r.intendedStart + 7 } : r,
    );
    expect(buildReport(shifted, []).callSequenceDigest).toBe(report.callSequenceDigest);
    expect(buildReport([...records].reverse(), []).callSequenceDigest).toBe(report.callSequenceDigest);
    const otherChoice = records.map((r, i) => (i === 5 && r.type === 'call' ? { ...r, argsDigest: 'x' } : r));
    expect(buildReport(otherChoice, []).callSequenceDigest).not.toBe(report.callSequenceDigest);
    const cut = buildReport(
      records.filter((r) => r.type !== 'end'),
      [],
    );
    expect(cut).toMatchObject({ complete: false, endedAt: T0 + 5010, status: 'inconclusive', exitCode: 2 });
  });

  it('refuses a journal without a header', () => {
    expect(() => buildReport([call()], [])).toThrow(/no header record/);
  });
});

describe('buildReportFrom', () => {
  it('streams a journal file to the same report, judged by the verdicts recorded in it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'));
    try {
      const base = journal();
      const verdicts = runChecks([noHangs({ maxMs: 50 })], base);
      const records = [...base.slice(0, -1), ...verdicts.map((v) => ({ type: 'verdict' as const, ...v }))];
      records.push({ type: 'end', at: T0 + 6000 });
      const path = join(dir, 'journal.jsonl');
      await writeFile(path, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
      const streamed = await reportFromJournal(path);
      expect(streamed).toEqual(buildReport(records, verdicts, { journal: path }));
      expect(streamed.verdicts).toEqual(verdicts);
      async function* slowly() {
        for (const r of records) yield await Promise.resolve(r);
      }
      // Read once, the records cannot give the evidence's calls (named only by the verdicts at the end).
      const { evidenceCalls, ...once } = streamed;
      expect(await buildReportFrom(slowly(), { meta: { journal: path } })).toEqual(once);
      const named = verdicts.flatMap((v) =>
        v.evidence.flatMap((e) => (e.correlationId ? [e.correlationId] : [])),
      );
      expect(named.length).toBeGreaterThan(0);
      expect(evidenceCalls?.map((c) => c.correlationId).sort()).toEqual([...new Set(named)].sort());
      // The first hang: the baseline call started 50 ms in, 51 ms long.
      expect(evidenceCalls?.[0]).toMatchObject({
        tool: 'lookup_customer',
        phase: 'baseline',
        outcome: 'ok',
        startOffsetMs: 50,
        latencyMs: 51,
        driverDelayMs: 0,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists every threshold with its value when the header names them', () => {
    const spec = {
      call_duration: ['p(95)<500', { threshold: 'max<50', abortOnFail: true }],
      'call_failed{tool:lookup_customer}': ['rate<0.01'],
      'calls{phase:baseline}': ['count==100'],
      'calls{phase:recovery}': ['count>0'],
    };
    const withSpec = journal().map((r) => (r.type === 'header' ? { ...r, config: { thresholds: spec } } : r));
    const verdicts = runChecks([thresholds(spec)], withSpec);
    const r = buildReport(withSpec, verdicts);
    expect(r.thresholds.map((t) => [t.metric, t.threshold, t.ok, t.abortOnFail])).toEqual([
      ['call_duration', 'p(95)<500', true, false],
      ['call_duration', 'max<50', false, true],
      ['call_failed{tool:lookup_customer}', 'rate<0.01', false, false], // 2 of 103
      ['calls{phase:baseline}', 'count==100', true, false],
      ['calls{phase:recovery}', 'count>0', false, false], // a count of no calls is 0, and evaluated
    ]);
    expect(r.thresholds[1]).toMatchObject({ aggregation: 'max', unit: 'ms', actual: 100 });
    expect(r.thresholds[2]).toMatchObject({ unit: 'ratio', actual: 2 / 103 });
    expect(r.verdicts[0]?.summary).toBe('3 of 5 thresholds crossed.');
    expect(scenarioReportSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(() =>
      buildReport(
        journal().map((h) => (h.type === 'header' ? { ...h, config: { thresholds: { bogus: ['x'] } } } : h)),
        [],
      ),
    ).toThrow(/config.thresholds cannot be evaluated: threshold metric 'bogus' is unknown/);
  });
});

/** Each percentile of the summary is the exact nearest-rank value within the HDR precision. */
function expectPercentiles(summary: LatencySummary, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  expect(summary?.count).toBe(sorted.length);
  expect(summary?.max).toBe(sorted[sorted.length - 1]);
  expect(summary?.min).toBe(sorted[0]);
  for (const p of [50, 90, 95, 99] as const) {
    const exact = percentile(sorted, p);
    const actual = summary?.[`p${p}`] as number;
    expect(actual).toBeGreaterThanOrEqual(exact - 0.0005);
    expect(actual).toBeLessThanOrEqual(exact * 1.001 + 0.0005);
  }
}

describe('percentile', () => {
  it('is nearest-rank: a measured value', () => {
    expect(percentile([10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });
});

describe('writeReport', () => {
  it('writes report.json for a run of several scenarios; the worst status wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'));
    try {
      const pass = {
        ...buildReport(journal(), [
          { check: 'x', status: 'pass', summary: '', evidence: [], evidenceTotal: 0 },
        ]),
        scenario: 'a',
      };
      const inconclusive = buildReport(journal(), []);
      const { path, report } = await writeReport(join(dir, 'out'), [pass, inconclusive]);
      const written = JSON.parse(await readFile(path, 'utf8'));
      expect(written).toEqual(report);
      expect(written).toMatchObject({
        runId: 'run-1',
        seed: 42,
        startedAt: T0,
        status: 'inconclusive',
        exitCode: 2,
      });
      expect(written.scenarios).toHaveLength(2);
      // The CI formats are rendered from the same report, beside it.
      expect(await readFile(join(dir, 'out', 'junit.xml'), 'utf8')).toContain(
        '<error message="no check reached a verdict"',
      );
      expect(await readFile(join(dir, 'out', 'summary.md'), 'utf8')).toMatch(
        /^## ⚠️ mcp-chaos: 1 passed, 0 failed, 1 inconclusive/,
      );
      expect(await readFile(join(dir, 'out', 'report.html'), 'utf8')).toMatch(
        /^<!doctype html>[\s\S]*<title>mcp-chaos run-1: inconclusive<\/title>/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('needs at least one scenario', () => {
    expect(() => buildRunReport([])).toThrow(/at least one scenario/);
  });

  it('embeds the comparison with a baseline, and the verdicts alone still decide the exit code', () => {
    const report = comparedRun();
    expect(runReportSchema.safeParse(report).success).toBe(true);
    expect(report.comparison).toMatchObject({
      baseline: { runId: 'run-6', path: '/reports/run-6' },
      current: { runId: 'run-7' },
      regressions: 2,
      improvements: 1,
    });
    expect(report.exitCode).toBe(statusExitCode(report.status));
    // A run that passes but regressed still exits 0.
    const [steady] = report.scenarios;
    const recovered = steady?.recovery.map((r) => ({ ...r, recoveredAfterMs: 0 }));
    const passing = buildRunReport([steady as ScenarioReport], {
      baseline: { report: buildRunReport([{ ...(steady as ScenarioReport), recovery: recovered ?? [] }]) },
    });
    expect(passing.comparison?.regressions).toBe(1);
    expect(passing.exitCode).toBe(0);
    expect(buildRunReport([steady as ScenarioReport]).comparison).toBeUndefined();
  });
});

describe('callSequenceDigest', () => {
  it('depends on the choices, not on the run id inside idempotency keys', () => {
    const run = (runId: string, subject: string) => {
      const args = { customerId: 'c1', subject, idempotencyKey: `${runId}-k0` };
      return buildReport(
        [
          { ...header, runId } as JournalRecord,
          call({ at: T0, tool: 'create_ticket', args, argsDigest: digest(args) }),
          { type: 'end', at: T0 + 10 },
        ],
        [],
      ).callSequenceDigest;
    };
    expect(run('run-a', 'hello')).toBe(run('run-b', 'hello'));
    expect(run('run-a', 'hello')).not.toBe(run('run-a', 'bye'));
  });
});
