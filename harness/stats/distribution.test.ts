import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Distribution, nearestRank } from './distribution.ts';

/** The exact nearest-rank value of a sample: the reference the histogram is held to. */
function exact(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(p, sorted.length) - 1] as number;
}

/**
 * The documented precision: never below the exact value by more than half a microsecond, never
 * above it by more than 0.1% + half a microsecond (a hair more for floating point).
 */
function expectWithinPrecision(actual: number | undefined, expected: number): void {
  expect(actual).toBeDefined();
  const a = actual as number;
  expect(a).toBeGreaterThanOrEqual(expected - 0.0005 - 1e-9);
  expect(a).toBeLessThanOrEqual(expected + Math.max(0, expected) * 0.001 + 0.0005 + 1e-9);
}

const durations = fc.array(
  fc.oneof(
    fc.double({ min: 0, max: 2, noNaN: true }), // sub-millisecond: unit resolution
    fc.double({ min: 0, max: 120_000, noNaN: true }), // up to two minutes: 3 significant digits
    fc.integer({ min: 0, max: 30_000 }), // whole milliseconds, as in hand-built journals
  ),
  { minLength: 1, maxLength: 400 },
);

describe('nearestRank', () => {
  it('is the smallest rank covering the percentile, floating point notwithstanding', () => {
    expect(nearestRank(95, 100)).toBe(95);
    expect(nearestRank(50, 4)).toBe(2);
    expect(nearestRank(95, 4)).toBe(4);
    expect(nearestRank(7, 100)).toBe(7); // (7/100)*100 is 7.000000000000001
    expect(nearestRank(99.9, 1000)).toBe(999);
    expect(nearestRank(0.001, 10)).toBe(1);
    expect(nearestRank(100, 10)).toBe(10);
  });
});

describe('Distribution', () => {
  it('gives percentiles within its stated precision of the exact nearest-rank value', () => {
    fc.assert(
      fc.property(durations, fc.double({ min: 0.1, max: 100, noNaN: true }), (values, p) => {
        const d = new Distribution();
        for (const v of values) d.record(v);
        for (const q of [p, 50, 90, 95, 99, 100]) expectWithinPrecision(d.percentile(q), exact(values, q));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps count, min, max and mean exact', () => {
    fc.assert(
      fc.property(durations, (values) => {
        const d = new Distribution();
        for (const v of values) d.record(v);
        const summary = d.summary();
        expect(summary?.count).toBe(values.length);
        expect(summary?.min).toBe(Math.min(...values));
        expect(summary?.max).toBe(Math.max(...values));
        expect(summary?.mean).toBeCloseTo(values.reduce((s, v) => s + v, 0) / values.length, 6);
      }),
    );
  });

  it('is exact on a single value and on whole microseconds below 2 ms', () => {
    const d = new Distribution();
    d.record(900);
    expect(d.percentile(95)).toBe(900);
    const small = new Distribution();
    for (let us = 1; us <= 1000; us++) small.record(us / 1000);
    expect(small.percentile(95)).toBeCloseTo(0.95, 9);
    expect(small.percentile(50)).toBeCloseTo(0.5, 9);
  });

  it('merges into the same figures as recording everything in one', () => {
    fc.assert(
      fc.property(durations, durations, (a, b) => {
        const left = new Distribution();
        const right = new Distribution();
        const all = new Distribution();
        for (const v of a) {
          left.record(v);
          all.record(v);
        }
        for (const v of b) {
          right.record(v);
          all.record(v);
        }
        const { mean, ...merged } = Distribution.merged([left, right]).summary() ?? { mean: 0 };
        const { mean: allMean, ...whole } = all.summary() ?? { mean: 0 };
        expect(merged).toEqual(whole);
        expect(mean).toBeCloseTo(allMean, 6); // sums added in another order

        expect(left.count).toBe(a.length); // merging leaves its parts alone
      }),
      { numRuns: 100 },
    );
  });

  it('is empty until something is recorded, and ignores what is not a duration', () => {
    const d = new Distribution();
    expect(d.summary()).toBeNull();
    expect(d.percentile(50)).toBeUndefined();
    expect(d.buckets).toBe(0);
    d.record(Number.NaN);
    d.record(Number.POSITIVE_INFINITY);
    expect(d.count).toBe(0);
  });

  it('counts a negative duration as 0 in the histogram but keeps it in min and mean', () => {
    const d = new Distribution();
    d.record(-2);
    d.record(4);
    expect(d.min).toBe(-2);
    expect(d.mean).toBe(1);
    expect(d.percentile(50)).toBe(0);
  });

  it('holds a memory that grows with the largest value, never with the number of values', () => {
    const d = new Distribution();
    d.record(60_000); // the largest value first: the histogram sizes itself to it
    for (let i = 0; i < 1000; i++) d.record((i * 7919) % 60_000);
    const buckets = d.buckets;
    const bytes = d.footprintBytes;
    for (let i = 0; i < 200_000; i++) d.record((i * 7919) % 60_000);
    expect(d.count).toBe(201_001);
    expect(d.buckets).toBe(buckets);
    expect(d.footprintBytes).toBe(bytes);
  });
});
