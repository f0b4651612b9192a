import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noHangs, runChecks } from '../checks/index.ts';
import { call, fault } from '../checks/test-journal.ts';
import type { JournalRecord } from '../journal/index.ts';
import { buildReport, OUTSIDE_PHASES } from './build.ts';
import { scenarioReportSchema } from './schema.ts';
import { percentile } from './stats.ts';
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
    expect(baseline?.latencyMs).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
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

  it('gives the same call-sequence digest whatever the times, and notices a cut-short journal', () => {
    const shifted = records.map((r) =>
      r.type === 'call' ? { ...r, intendedStart: r.intendedStart + 7 } : r,
    );
    expect(buildReport(shifted, []).callSequenceDigest).toBe(report.callSequenceDigest);
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
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('needs at least one scenario', () => {
    expect(() => buildRunReport([])).toThrow(/at least one scenario/);
  });
});
