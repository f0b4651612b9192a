import { describe, expect, it } from 'vitest';
import { call, fault } from '../checks/test-journal.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import { buildReport } from './build.ts';
import { bucketWidth, MAX_BUCKETS, TimelineFold } from './timeline.ts';

const T0 = 1_700_000_000_000;

function header(timelineMs?: number): RecordOf<'header'> {
  return {
    type: 'header',
    runId: 'run-1',
    scenario: 's',
    seed: 1,
    runtime: 'local',
    startedAt: T0,
    versions: { harness: '0', node: 'v24' },
    config: timelineMs === undefined ? {} : { timelineMs },
  };
}

function probe(at: number, name: string, ok: boolean, values: Record<string, number>): RecordOf<'probe'> {
  return { type: 'probe', name, at, ok, latencyMs: 1, values };
}

describe('bucketWidth', () => {
  it('picks the smallest readable width that fits the run into MAX_BUCKETS', () => {
    expect(bucketWidth(60_000)).toBe(1_000);
    expect(bucketWidth(600_000)).toBe(2_000);
    expect(bucketWidth(3_600_000)).toBe(15_000);
    expect(bucketWidth(10 * 24 * 3_600_000)).toBe(3_000_000);
    for (const ms of [1, 299_999, 300_001, 86_400_000]) {
      expect(Math.ceil(ms / bucketWidth(ms))).toBeLessThanOrEqual(MAX_BUCKETS);
    }
  });
});

describe('the report timeline', () => {
  it('counts calls per bucket by class, with latency percentiles from the intended start', () => {
    const report = buildReport([
      header(10_000),
      call({ at: T0 + 100, ms: 10 }),
      call({ at: T0 + 200, ms: 30, outcome: 'error', code: 'NOT_FOUND' }),
      call({ at: T0 + 300, ms: 50, outcome: 'transport-error' }),
      call({ intendedStart: T0 + 1_500, actualStart: T0 + 1_900, end: T0 + 1_910 }),
      { type: 'end', at: T0 + 10_000 },
    ]);
    expect(report.timeline.bucketMs).toBe(1_000);
    expect(report.timeline.buckets).toHaveLength(2);
    const [first, second] = report.timeline.buckets;
    expect(first).toMatchObject({ at: 0, calls: 3, ok: 1, error: 1, failed: 1, max: 50 });
    expect(first?.p50).toBeCloseTo(30, 1);
    // The driver's delay counts: what the user waited for.
    expect(second).toMatchObject({ at: 1_000, calls: 1, ok: 1 });
    expect(second?.p99).toBeCloseTo(410, 0);
  });

  it('doubles its bucket width instead of growing past MAX_BUCKETS when a run overruns its plan', () => {
    const fold = new TimelineFold();
    fold.start(T0, 10_000);
    for (let s = 0; s < 1_000; s++) fold.call(call({ at: T0 + s * 1_000, ms: 5 }));
    const timeline = fold.timeline();
    expect(timeline.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(timeline.bucketMs).toBe(4_000);
    expect(timeline.buckets.reduce((n, b) => n + b.calls, 0)).toBe(1_000);
    expect(timeline.buckets[0]).toMatchObject({ at: 0, calls: 4 });
  });

  it('keeps charted probe series downsampled: a gauge at its bucket maximum, readiness at its minimum', () => {
    const report = buildReport([
      header(10_000),
      probe(T0 + 100, 'readyz', true, {}),
      probe(T0 + 600, 'readyz', false, {}),
      probe(T0 + 100, 'metrics', true, { db_pool_total: 3, process_cpu_seconds_total: 9 }),
      probe(T0 + 600, 'metrics', true, { db_pool_total: 7 }),
      probe(T0 + 1_100, 'metrics', true, { db_pool_total: 2 }),
      probe(T0 + 100, 'toxiproxy', true, { proxies: 3 }),
      { type: 'lag', from: T0, to: T0 + 1_000, scheduled: 10, maxLagMs: 12, meanLagMs: 1, dropped: 0 },
    ]);
    const series = Object.fromEntries(report.probes.map((p) => [p.key, p.points]));
    expect(Object.keys(series).sort()).toEqual(['driver:lagMaxMs', 'metrics:db_pool_total', 'readyz:ok']);
    expect(series['readyz:ok']).toEqual([[0, 0]]);
    expect(series['metrics:db_pool_total']).toEqual([
      [0, 7],
      [1_000, 2],
    ]);
    expect(series['driver:lagMaxMs']).toEqual([[0, 12]]);
  });
});

describe('recovery and exposure', () => {
  const records = (after: JournalRecord[]): JournalRecord[] => [
    header(20_000),
    call({ at: T0 + 500 }),
    fault('inject', T0 + 1_000),
    call({ at: T0 + 1_200, outcome: 'transport-error' }),
    call({ at: T0 + 2_500, outcome: 'timeout' }),
    fault('heal', T0 + 3_000),
    ...after,
    { type: 'end', at: T0 + 20_000 },
  ];

  it('measures from the heal to the last failed call before the next fault', () => {
    const report = buildReport(
      records([
        call({ at: T0 + 3_100, outcome: 'transport-error' }),
        call({ at: T0 + 3_700, outcome: 'transport-error' }),
        call({ at: T0 + 4_000 }),
        call({ at: T0 + 9_000 }),
      ]),
    );
    expect(report.recovery).toEqual([
      { fault: 'latency', link: 'target→postgres', healedOffsetMs: 3_000, recoveredAfterMs: 700 },
    ]);
    // One window of failures: 1.2 s to 3.7 s, the empty bucket between them does not split it.
    expect(report.exposure).toEqual([{ kind: 'failures', fromOffsetMs: 1_200, toOffsetMs: 3_700, calls: 4 }]);
  });

  it('is 0 when every call after the heal succeeded, null when the last one still failed', () => {
    expect(buildReport(records([call({ at: T0 + 3_100 })])).recovery[0]?.recoveredAfterMs).toBe(0);
    expect(
      buildReport(records([call({ at: T0 + 3_100 }), call({ at: T0 + 8_000, outcome: 'timeout' })]))
        .recovery[0]?.recoveredAfterMs,
    ).toBeNull();
    expect(buildReport(records([])).recovery[0]?.recoveredAfterMs).toBeNull();
  });

  it('lists a rolled-back deploy as an exposure window from its fault record', () => {
    const report = buildReport([
      header(20_000),
      {
        type: 'fault',
        fault: 'deploy(next, canary)',
        event: 'inject',
        at: T0 + 9_000,
        detail: 'rolled back by the guard',
        data: { rolledBack: 1, shiftedAt: T0 + 5_000, exposureMs: 2_500, exposureCalls: 40 },
      },
    ]);
    expect(report.exposure).toEqual([
      {
        kind: 'deploy',
        fromOffsetMs: 5_000,
        toOffsetMs: 7_500,
        calls: 40,
        detail: 'deploy(next, canary): rolled back by the guard',
      },
    ]);
  });
});

describe('recovery ends where the next fault begins to act', () => {
  it('counts from the next fault’s injecting, not its completed inject (a restart fails calls before it is done)', () => {
    const report = buildReport([
      header(20_000),
      fault('inject', T0 + 1_000, 'kill'),
      call({ at: T0 + 1_500, outcome: 'transport-error' }),
      fault('heal', T0 + 3_000, 'kill'),
      call({ at: T0 + 3_200, outcome: 'transport-error' }),
      call({ at: T0 + 4_000 }),
      { type: 'fault', fault: 'restart', event: 'injecting', at: T0 + 6_000 },
      call({ at: T0 + 6_500, outcome: 'transport-error' }),
      { type: 'fault', fault: 'restart', event: 'inject', at: T0 + 8_000 },
      { type: 'fault', fault: 'restart', event: 'heal', at: T0 + 8_000 },
      call({ at: T0 + 9_000 }),
      { type: 'end', at: T0 + 20_000 },
    ]);
    expect(report.recovery.map((r) => [r.fault, r.recoveredAfterMs])).toEqual([
      ['kill', 200],
      ['restart', 0],
    ]);
  });
});
