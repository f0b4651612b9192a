import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import type { JournalRecord, Outcome } from '../journal/index.ts';
import { isFailed } from '../stats/index.ts';
import { noHangs } from './no-hangs.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';
import { aggregate, parseThreshold, parseThresholdDefinition } from './threshold-expression.ts';
import { ThresholdWatch } from './threshold-watch.ts';
import { type ThresholdResult, thresholdSpec, thresholds } from './thresholds.ts';

describe('k6 threshold expressions', () => {
  it('parses aggregations, operators and numbers', () => {
    expect(parseThreshold('p(95)<500')).toMatchObject({
      aggregation: { kind: 'p', percentile: 95 },
      operator: '<',
      value: 500,
    });
    expect(parseThreshold(' rate <= 0.01 ')).toMatchObject({
      aggregation: { kind: 'rate' },
      operator: '<=',
      value: 0.01,
    });
    expect(parseThreshold('p(99.9)>=1')).toMatchObject({ aggregation: { kind: 'p', percentile: 99.9 } });
  });

  it.each(['p95<500', 'p(0)<1', 'avg<', 'mean<3', 'max=>1'])(
    'rejects %j with the syntax to use',
    (source) => {
      expect(() => parseThreshold(source)).toThrow(HarnessError);
    },
  );

  it('aggregates by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(aggregate(sorted, { kind: 'p', percentile: 95 })).toBe(95);
    expect(aggregate(sorted, { kind: 'med' })).toBe(50);
    expect(aggregate(sorted, { kind: 'avg' })).toBe(50.5);
    expect(aggregate([], { kind: 'count' })).toBe(0);
    expect(aggregate([], { kind: 'max' })).toBeUndefined();
  });
});

describe('thresholds', () => {
  const fast = Array.from({ length: 19 }, () => call({ ms: 100, tool: 'lookup_customer' }));
  const slow = call({ ms: 900, tool: 'list_orders' });
  const broken = call({ ms: 5, outcome: 'transport-error', code: 'ECONNREFUSED' });
  const notFound = call({ ms: 5, outcome: 'error', code: 'NOT_FOUND' });

  it('passes when every threshold holds', () => {
    const [v] = runChecks(
      [thresholds({ call_duration: ['p(95)<500', 'max<1000'], calls: ['count==20'] })],
      [...fast, slow],
    );
    expect(v).toMatchObject({
      status: 'pass',
      summary:
        'All 3 thresholds held: call_duration p(95)<500 at 100.0 ms (margin 400.0 ms); ' +
        'call_duration max<1000 at 900 ms (margin 100 ms); calls count==20 at 20.',
    });
  });

  it('fails with the crossed threshold and its actual value, filtered by tags', () => {
    const [v] = runChecks(
      [thresholds({ 'call_duration{tool:list_orders}': ['p(95)<500'], call_failed: ['rate<0.05'] })],
      [...fast, slow, broken, notFound],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('1 of 2 thresholds crossed.');
    // 1 real failure in 22 calls (the NOT_FOUND is a business answer): 0.045 holds under 0.05.
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'call_duration{tool:list_orders}: p(95)<500 crossed (actual 900)',
    ]);
  });

  it('counts only real failures in call_failed (a business answer is not one)', () => {
    const [v] = runChecks([thresholds({ call_failed: ['rate<0.1'] })], [...fast, notFound, broken]);
    expect(v?.status).toBe('pass');
  });

  it('is inconclusive when no call matched a threshold', () => {
    const [v] = runChecks([thresholds({ 'call_duration{phase:recovery}': ['p(95)<500'] })], fast);
    expect(v?.status).toBe('inconclusive');
  });

  it('rejects unknown metrics and tags when defined', () => {
    expect(() => thresholds({ http_req_duration: ['p(95)<500'] })).toThrow(/unknown: use call_duration/);
    expect(() => thresholds({ 'call_duration{url:x}': ['p(95)<500'] })).toThrow(/tag 'url:x'/);
  });
});

describe('thresholds folded into histograms', () => {
  const generated = fc.array(
    fc.record({
      ms: fc.oneof(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.integer({ min: 0, max: 2000 })),
      lag: fc.double({ min: 0, max: 100, noNaN: true }),
      tool: fc.constantFrom('lookup_customer', 'list_orders'),
      outcome: fc.constantFrom<Outcome>('ok', 'error', 'timeout', 'transport-error'),
      code: fc.constantFrom('NOT_FOUND', 'INTERNAL'),
    }),
    { minLength: 1, maxLength: 300 },
  );
  const AGGREGATIONS = [
    'p(50)',
    'p(90)',
    'p(95)',
    'p(99)',
    'p(99.9)',
    'med',
    'avg',
    'min',
    'max',
    'count',
    'rate',
  ];

  it('gives the exact aggregate of every sample, percentiles within the histogram precision', () => {
    fc.assert(
      fc.property(generated, (rows) => {
        const calls = rows.map((r, i) =>
          call({
            intendedStart: i,
            actualStart: i + r.lag,
            end: i + r.lag + r.ms,
            tool: r.tool,
            outcome: r.outcome,
            code: r.outcome === 'error' ? r.code : undefined,
          }),
        );
        const spec = Object.fromEntries(
          ['call_duration', 'call_service{tool:list_orders}', 'call_failed', 'calls'].map((m) => [
            m,
            AGGREGATIONS.map((a) => `${a}<1000000000`),
          ]),
        );
        const check = thresholds(spec);
        const state = check.init();
        for (const c of calls) check.update(state, c);
        const samples: Record<string, number[]> = {
          call_duration: calls.map((c) => c.end - c.intendedStart),
          'call_service{tool:list_orders}': calls
            .filter((c) => c.tool === 'list_orders')
            .map((c) => c.end - c.actualStart),
          call_failed: calls.map((c) => (isFailed(c) ? 1 : 0)),
          calls: calls.map(() => 1),
        };
        for (const result of check.results(state)) {
          const sorted = [...(samples[result.metric] ?? [])].sort((a, b) => a - b);
          const exact = aggregate(sorted, parseThreshold(result.threshold).aggregation);
          if (exact === undefined) {
            expect(result).toMatchObject({ actual: null, ok: null });
          } else if (result.unit === 'ms' && /^(p\(|med)/.test(result.aggregation)) {
            expect(result.actual).toBeGreaterThanOrEqual(exact - 0.0005 - 1e-9);
            expect(result.actual).toBeLessThanOrEqual(exact * 1.001 + 0.0005 + 1e-9);
          } else {
            expect(result.actual).toBeCloseTo(exact, 9);
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it('keeps constant memory however many calls it folds', () => {
    const check = thresholds({ call_duration: ['p(95)<500'], call_failed: ['rate<0.1'] });
    const state = check.init();
    const feed = (from: number, to: number) => {
      for (let i = from; i < to; i++)
        check.update(state, call({ at: i, ms: i === 0 ? 5000 : (i * 31) % 5000 }));
    };
    feed(0, 1000);
    const buckets = state.aggregators.map((a) => a.buckets);
    expect(buckets[0]).toBeGreaterThan(0);
    feed(1000, 50_000);
    expect(state.aggregators.map((a) => a.buckets)).toEqual(buckets);
    expect(check.results(state)[1]).toMatchObject({ metric: 'call_failed', actual: 0 });
  });
});

describe('abortOnFail', () => {
  it('accepts k6 threshold objects beside plain strings', () => {
    expect(
      parseThresholdDefinition({ threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '1m30s' }),
    ).toMatchObject({
      aggregation: { kind: 'p', percentile: 95 },
      abortOnFail: true,
      delayAbortEvalMs: 90_000,
    });
    expect(parseThresholdDefinition('rate<0.01')).toMatchObject({ abortOnFail: false, delayAbortEvalMs: 0 });
    expect(parseThresholdDefinition({ threshold: 'max<1', delayAbortEval: 250 })).toMatchObject({
      delayAbortEvalMs: 250,
    });
    expect(() => parseThresholdDefinition({ threshold: 'p(95)<500', abortOnFial: true } as never)).toThrow(
      /unknown option abortOnFial/,
    );
    expect(() => parseThresholdDefinition({ threshold: 'p(95)<500', delayAbortEval: '10 sec' })).toThrow(
      /delayAbortEval "10 sec" is not a duration/,
    );
    expect(() => parseThresholdDefinition({ abortOnFail: true } as never)).toThrow(HarnessError);
  });

  const spec = {
    call_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '10s' }],
    call_duration: ['p(95)<100'], // crossed too, but does not abort
  };
  /** 1 call a second from t=0: ok until `failFrom`, then transport errors. */
  const calls = (n: number, failFrom: number) =>
    Array.from({ length: n }, (_, i) =>
      call({ at: i * 1000, ms: 500, outcome: i >= failFrom ? 'transport-error' : 'ok' }),
    );

  it('reports the crossed abort-on-fail thresholds once their delay has passed in journal time', () => {
    const check = thresholds(spec);
    const state = check.init();
    expect(check.abortsOnFail).toBe(true);
    expect(check.breached(state)).toEqual([]);
    const all = calls(30, 0);
    for (const c of all.slice(0, 5)) check.update(state, c);
    expect(check.breached(state)).toEqual([]); // 4.5 s in: within delayAbortEval
    for (const c of all.slice(5, 11)) check.update(state, c);
    expect(check.breached(state)).toEqual([
      expect.objectContaining({ metric: 'call_failed', threshold: 'rate<0.5', actual: 1, ok: false }),
    ]);
  });

  it('does not abort while the threshold holds, and the final verdict still counts every threshold', () => {
    const check = thresholds(spec);
    const state = check.init();
    for (const c of calls(20, 15)) check.update(state, c);
    expect(check.breached(state)).toEqual([]); // 5 of 20 failed
    expect(check.finish(state)).toMatchObject({ status: 'fail', summary: '1 of 2 thresholds crossed.' });
    expect(check.results(state).map((r) => [r.metric, r.ok, r.abortOnFail])).toEqual([
      ['call_failed', true, true],
      ['call_duration', false, false],
    ]);
  });

  it('is watched live: the first breach is reported once, on the journal clock', () => {
    const listeners = new Set<(r: JournalRecord) => void>();
    const source = {
      records: () => [] as JournalRecord[],
      subscribe: (l: (r: JournalRecord) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const breaches: ThresholdResult[][] = [];
    const watch = ThresholdWatch.attach([noHangs({ maxMs: 1 }), thresholds(spec)], source, {
      onBreach: (b) => breaches.push(b),
    });
    expect(watch.armed).toBe(true);
    const sent: number[] = [];
    for (const c of calls(40, 5)) {
      for (const l of listeners) l(c);
      if (breaches.length > 0 && sent.length === 0) sent.push(c.end);
    }
    expect(breaches).toHaveLength(1);
    expect(breaches[0]?.map((b) => b.threshold)).toEqual(['rate<0.5']);
    // Failing from the 6th call, the failed rate crosses 0.5 with the 11th (ends at 10.5 s), and
    // the watch evaluates every 2 s of journal time: at 10.5 s or at most 2 s later.
    expect(sent[0]).toBeGreaterThanOrEqual(10_500);
    expect(sent[0]).toBeLessThanOrEqual(12_500);
    expect(watch.fired).toBe(true);
    watch.detach();
    expect(listeners.size).toBe(0);
    const inert = ThresholdWatch.attach([thresholds({ call_failed: ['rate<0.5'] })], source);
    expect(inert.armed).toBe(false);
    expect(listeners.size).toBe(0);
  });

  it('merges the thresholds of several checks into one spec for the journal header', () => {
    expect(
      thresholdSpec([thresholds({ calls: ['count>1'] }), noHangs({ maxMs: 1 }), thresholds(spec)]),
    ).toEqual({ calls: ['count>1'], ...spec });
    expect(thresholdSpec([noHangs({ maxMs: 1 })])).toBeUndefined();
  });
});
