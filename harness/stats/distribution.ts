import { Int32Histogram } from 'hdr-histogram-js';

/** Durations are recorded in whole microseconds: the histogram's unit. */
export const RESOLUTION_MS = 0.001;
/** HdrHistogram's precision: values within a bucket differ by less than 1 part in 10^3 (2^-10 exactly). */
export const SIGNIFICANT_DIGITS = 3;

/** The figures k6 prints for a trend, in ms; `count` is exact, so are `min`, `max` and `mean`. */
export interface DistributionSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/**
 * The nearest rank of percentile `p` (0 < p ≤ 100) among `n` values: the smallest rank r with
 * r/n ≥ p/100, so that p(95) of 1..100 is 95 and p(50) of 1..4 is 2. The relative nudge keeps
 * floating-point noise (99.9 · 1000 / 100 = 999.0000000000001) from skipping a rank.
 */
export function nearestRank(p: number, n: number): number {
  const exact = (p * n) / 100;
  return Math.min(n, Math.max(1, Math.ceil(exact - exact * 1e-12)));
}

/**
 * A distribution of durations in constant memory: exact count, sum, min and max, plus an HDR
 * histogram (hdr-histogram-js, the pure-JS Int32 flavour: no WebAssembly memory to free by hand)
 * of the values in whole microseconds at 3 significant digits. Its footprint depends on the
 * largest value recorded (about 40 KB for values up to a minute), never on how many.
 *
 * Precision of `percentile`: the exact nearest-rank value x (over the values as recorded, in ms)
 * is rounded to the microsecond and the top of its HDR bucket is returned, clamped to the exact
 * min and max. So the result is never below x by more than 0.5 µs and never above it by more than
 * 0.1% + 0.5 µs (a bucket is narrower than 1/1024 of its values): conservative for `p(95)<500`,
 * which cannot pass by rounding down. Negative durations (a clock stepping back) count as 0 in
 * the histogram; min and mean keep them.
 */
export class Distribution {
  #histogram: Int32Histogram | undefined;
  #count = 0;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  get count(): number {
    return this.#count;
  }

  /** Exact, in ms; undefined when empty. */
  get min(): number | undefined {
    return this.#count === 0 ? undefined : this.#min;
  }

  get max(): number | undefined {
    return this.#count === 0 ? undefined : this.#max;
  }

  get mean(): number | undefined {
    return this.#count === 0 ? undefined : this.#sum / this.#count;
  }

  /** Counts array entries of the histogram (0 until the first value): what its memory is made of. */
  get buckets(): number {
    return this.#histogram?.countsArrayLength ?? 0;
  }

  get footprintBytes(): number {
    return this.#histogram?.estimatedFootprintInBytes ?? 0;
  }

  /** Records one duration in ms. Non-finite values are ignored: they are not durations. */
  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
    this.#histogramForWrite().recordValue(ms > 0 ? Math.round(ms / RESOLUTION_MS) : 0);
  }

  /** Adds every value of `other` to this one (`other` is left as it was). */
  merge(other: Distribution): void {
    if (other.#count === 0 || other.#histogram === undefined) return;
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
    this.#histogramForWrite().add(other.#histogram);
  }

  /** A new distribution holding the values of all of `parts`. */
  static merged(parts: Iterable<Distribution>): Distribution {
    const out = new Distribution();
    for (const part of parts) out.merge(part);
    return out;
  }

  /** The nearest-rank value at percentile `p` in ms (see the class comment); undefined when empty. */
  percentile(p: number): number | undefined {
    return this.percentiles([p])[0];
  }

  /**
   * Several percentiles in one pass over the histogram (ascending or not); empty when there are
   * no values. Cost: one walk over the counts array (some thousands of entries), so ask for them
   * once per report or per evaluation, not per call.
   */
  percentiles(ps: readonly number[]): number[] {
    const histogram = this.#histogram;
    if (histogram === undefined || this.#count === 0) return [];
    const total = histogram.totalCount;
    const wanted = ps
      .map((p, index) => ({ index, rank: nearestRank(p, total) }))
      .sort((a, b) => a.rank - b.rank);
    const out: number[] = new Array(ps.length);
    let next = 0;
    let seen = 0;
    for (let i = 0; i < histogram.countsArrayLength && next < wanted.length; i++) {
      const count = histogram.getCountAtIndex(i);
      if (count === 0) continue;
      seen += count;
      while (next < wanted.length && seen >= (wanted[next]?.rank ?? 0)) {
        const top = histogram.highestEquivalentValue(histogram.valueFromIndex(i)) * RESOLUTION_MS;
        out[(wanted[next] as { index: number }).index] = Math.min(this.#max, Math.max(this.#min, top));
        next++;
      }
    }
    return out;
  }

  /** The k6 figures, or null when there are no values. */
  summary(): DistributionSummary | null {
    if (this.#count === 0) return null;
    const [p50 = 0, p90 = 0, p95 = 0, p99 = 0] = this.percentiles([50, 90, 95, 99]);
    return {
      count: this.#count,
      min: this.#min,
      max: this.#max,
      mean: this.#sum / this.#count,
      p50,
      p90,
      p95,
      p99,
    };
  }

  #histogramForWrite(): Int32Histogram {
    if (this.#histogram === undefined) {
      // Starts small (2,048 counts) and grows with the largest value, never with the number of values.
      this.#histogram = new Int32Histogram(1, 2, SIGNIFICANT_DIGITS);
      this.#histogram.autoResize = true;
    }
    return this.#histogram;
  }
}
