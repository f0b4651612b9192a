import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUSINESS_CODES as CHECKS_BUSINESS_CODES } from '../checks/recovers-within.ts';
import { call } from '../checks/test-journal.ts';
import type { CallRecord, JournalRecord, Outcome } from '../journal/index.ts';
import { callStatsFold, footprint, OUTSIDE_PHASES, type SeriesStats, seriesStats } from './call-stats.ts';
import { type DistributionSummary, nearestRank } from './distribution.ts';
import { foldAll, foldStream } from './fold.ts';
import { BUSINESS_CODES, isFailed, OUTCOMES } from './outcome.ts';

const PHASES = [
  { name: 'baseline', from: 0, to: 1000 },
  { name: 'fault', from: 1000, to: 2000 },
  { name: 'recovery', from: 2000, to: 3000 },
];
const TOOLS = ['lookup_customer', 'list_orders', 'create_ticket'];

const generatedCall = fc.record({
  intendedStart: fc.double({ min: 0, max: 3400, noNaN: true }),
  lag: fc.double({ min: 0, max: 50, noNaN: true }),
  service: fc.oneof(fc.double({ min: 0, max: 5000, noNaN: true }), fc.integer({ min: 0, max: 200 })),
  tool: fc.constantFrom(...TOOLS),
  outcome: fc.constantFrom<Outcome>(...OUTCOMES),
  code: fc.constantFrom(undefined, 'NOT_FOUND', 'INTERNAL', 'UNAVAILABLE'),
  named: fc.boolean(), // whether the driver set the phase field
});

type Generated = typeof generatedCall extends fc.Arbitrary<infer T> ? T : never;

/** A journal as the runner writes it: phase records and calls in the order of their times. */
function journalOf(generated: Generated[]): {
  records: JournalRecord[];
  calls: CallRecord[];
} {
  const calls = generated.map((g) => {
    const window = PHASES.find((p) => g.intendedStart >= p.from && g.intendedStart < p.to);
    return call({
      tool: g.tool,
      outcome: g.outcome,
      code: g.outcome === 'error' ? g.code : undefined,
      intendedStart: g.intendedStart,
      actualStart: g.intendedStart + g.lag,
      end: g.intendedStart + g.lag + g.service,
      phase: g.named ? window?.name : undefined,
    });
  });
  const timed: [number, JournalRecord][] = [
    ...PHASES.flatMap((p): [number, JournalRecord][] => [
      [p.from, { type: 'phase', name: p.name, event: 'start', at: p.from }],
      [p.to, { type: 'phase', name: p.name, event: 'end', at: p.to }],
    ]),
    ...calls.map((c): [number, JournalRecord] => [c.end, c]),
  ];
  return { records: timed.sort((a, b) => a[0] - b[0]).map(([, r]) => r), calls };
}

function phaseOf(c: CallRecord): string {
  return (
    c.phase ?? PHASES.find((p) => c.intendedStart >= p.from && c.intendedStart < p.to)?.name ?? OUTSIDE_PHASES
  );
}

/** The exact figures, from every call kept in memory: what the fold must agree with. */
function expectSeries(series: SeriesStats, calls: readonly CallRecord[]): void {
  expect(series.calls).toBe(calls.length);
  expect(series.failed).toBe(calls.filter((c) => isFailed(c)).length);
  for (const o of OUTCOMES) expect(series.byOutcome[o]).toBe(calls.filter((c) => c.outcome === o).length);
  expectDistribution(
    series.latencyMs,
    calls.map((c) => c.end - c.intendedStart),
  );
  expectDistribution(
    series.serviceMs,
    calls.map((c) => c.end - c.actualStart),
  );
}

function expectDistribution(summary: DistributionSummary | null, values: number[]): void {
  if (values.length === 0) {
    expect(summary).toBeNull();
    return;
  }
  const sorted = values.sort((a, b) => a - b);
  expect(summary?.count).toBe(sorted.length);
  expect(summary?.min).toBe(sorted[0]);
  expect(summary?.max).toBe(sorted[sorted.length - 1]);
  expect(summary?.mean).toBeCloseTo(sorted.reduce((s, v) => s + v, 0) / sorted.length, 6);
  for (const [p, actual] of [
    [50, summary?.p50],
    [90, summary?.p90],
    [95, summary?.p95],
    [99, summary?.p99],
  ] as const) {
    const exact = sorted[nearestRank(p, sorted.length) - 1] as number;
    // The stated precision: -0.5 µs … +0.1% + 0.5 µs.
    expect(actual).toBeGreaterThanOrEqual(exact - 0.0005 - 1e-9);
    expect(actual).toBeLessThanOrEqual(exact * 1.001 + 0.0005 + 1e-9);
  }
}

describe('callStatsFold', () => {
  it('agrees with an exact recomputation from the same journal, per phase, tool and outcome class', () => {
    fc.assert(
      fc.property(fc.array(generatedCall, { minLength: 1, maxLength: 300 }), (generated) => {
        const { records, calls } = journalOf(generated);
        const stats = foldAll(callStatsFold(), records);
        expectSeries(stats.total, calls);
        for (const phase of stats.phases) {
          expectSeries(
            phase,
            calls.filter((c) => phaseOf(c) === phase.name),
          );
        }
        expect(stats.phases.reduce((n, p) => n + p.calls, 0)).toBe(calls.length);
        for (const tool of stats.tools) {
          expectSeries(
            tool,
            calls.filter((c) => c.tool === tool.labels.tool),
          );
        }
        for (const outcome of stats.outcomes) {
          const o = outcome.labels.outcome;
          expectSeries(
            outcome,
            calls.filter((c) => (o === 'failed' ? isFailed(c) : c.outcome === o)),
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives any combination of phase, tool and outcome class on demand', () => {
    const { records, calls } = journalOf(
      fc.sample(fc.array(generatedCall, { minLength: 200, maxLength: 200 }), { numRuns: 1, seed: 7 })[0] ??
        [],
    );
    const fold = callStatsFold();
    const state = fold.init();
    for (const r of records) fold.update(state, r);
    expectSeries(
      seriesStats(state, { phase: 'fault', outcome: 'failed' }),
      calls.filter((c) => phaseOf(c) === 'fault' && isFailed(c)),
    );
    expectSeries(
      seriesStats(state, { phase: 'baseline', tool: 'list_orders' }),
      calls.filter((c) => phaseOf(c) === 'baseline' && c.tool === 'list_orders'),
    );
  });

  it('places calls by their phase field, else by the window they were intended in, else outside', () => {
    const records: JournalRecord[] = [
      call({ at: -50, ms: 5 }), // before any phase
      { type: 'phase', name: 'baseline', event: 'start', at: 0 },
      call({ at: 10, ms: 5 }),
      call({ at: 20, ms: 5, phase: 'custom' }), // named by the driver, no phase record
      { type: 'phase', name: 'baseline', event: 'end', at: 100 },
      { type: 'phase', name: 'fault', event: 'start', at: 100 },
      call({ at: 99, ms: 10 }), // journaled late, intended in baseline
      call({ at: 150, ms: 10 }),
    ];
    const stats = foldAll(callStatsFold(), records);
    // Phases with a record first, in the order they started; then those only calls named.
    expect(stats.phases.map((p) => [p.name, p.calls])).toEqual([
      ['baseline', 2],
      ['fault', 1],
      [OUTSIDE_PHASES, 1],
      ['custom', 1],
    ]);
    expect(stats.phases[1]).toMatchObject({ startedAt: 100, endedAt: null });
  });

  it('counts rates over the phase window, and the total over the phases', () => {
    const records: JournalRecord[] = [
      { type: 'phase', name: 'baseline', event: 'start', at: 0 },
      ...Array.from({ length: 50 }, (_, i) => call({ at: i * 20, ms: 5, phase: 'baseline' })),
      { type: 'phase', name: 'baseline', event: 'end', at: 1000 },
      { type: 'phase', name: 'fault', event: 'start', at: 1000 },
      ...Array.from({ length: 10 }, (_, i) => call({ at: 1000 + i * 100, ms: 5, phase: 'fault' })),
      { type: 'phase', name: 'fault', event: 'end', at: 2000 },
    ];
    const stats = foldAll(callStatsFold(), records);
    expect(stats.phases.map((p) => p.ratePerSecond)).toEqual([50, 10]);
    expect(stats.total).toMatchObject({ windowMs: 2000, ratePerSecond: 30 });
    expect(stats.tools[0]?.ratePerSecond).toBe(30);
  });

  it('counts an error result as failed unless its code is a business answer', () => {
    const stats = foldAll(callStatsFold(), [
      call({ outcome: 'error', code: 'NOT_FOUND' }),
      call({ outcome: 'error', code: 'INTERNAL' }),
      call({ outcome: 'error' }),
      call({ outcome: 'timeout' }),
      call(),
    ]);
    expect(stats.total.failed).toBe(3);
    expect(stats.outcomes.find((o) => o.labels.outcome === 'failed')?.byOutcome).toMatchObject({
      error: 2,
      timeout: 1,
      ok: 0,
    });
    expect(BUSINESS_CODES).toEqual(CHECKS_BUSINESS_CODES); // the stats' copy of the list must not drift
  });

  it('holds the same memory after 2,000 calls as after 100,000 (nothing kept per call)', () => {
    const fold = callStatsFold();
    const state = fold.init();
    const feed = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const outcome = OUTCOMES[i % OUTCOMES.length] as Outcome;
        fold.update(state, {
          ...call({ at: i, ms: i === 0 ? 30_000 : (i * 7919) % 30_000, tool: TOOLS[i % 3], outcome }),
          phase: PHASES[i % 3]?.name,
        });
      }
    };
    feed(0, 2000);
    const early = footprint(state);
    feed(2000, 100_000);
    expect(footprint(state)).toEqual(early);
    expect(early.cells).toBeLessThanOrEqual(PHASES.length * TOOLS.length * 6);
    expect(fold.finish(state).total.calls).toBe(100_000);
  });

  it('can be asked mid-run without disturbing the fold, live or streaming', async () => {
    const { records } = journalOf(
      fc.sample(fc.array(generatedCall, { minLength: 50, maxLength: 50 }), 1)[0] ?? [],
    );
    const fold = callStatsFold();
    const state = fold.init();
    for (const r of records.slice(0, 20)) fold.update(state, r);
    const mid = fold.finish(state);
    expect(fold.finish(state)).toEqual(mid);
    for (const r of records.slice(20)) fold.update(state, r);
    async function* stream() {
      yield* records;
    }
    expect(await foldStream(fold, stream())).toEqual(fold.finish(state));
  });
});
