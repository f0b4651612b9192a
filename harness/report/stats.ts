import type { CallRecord } from '../journal/index.ts';
import {
  callStatsFold,
  type DistributionSummary,
  foldAll,
  nearestRank,
  type SeriesStats,
} from '../stats/index.ts';
import type { CallStats, LatencySummary } from './schema.ts';

/**
 * Exact nearest-rank percentile of an ascending list: a value that was actually measured, never
 * an interpolation. Reports read percentiles from HDR histograms (constant memory); this is the
 * reference the tests hold them to.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  return sorted[nearestRank(p, sorted.length) - 1] as number;
}

function latency(summary: DistributionSummary | null): LatencySummary {
  if (summary === null) return null;
  const { count, min, mean, p50, p90, p95, p99, max } = summary;
  return { count, min, mean, p50, p90, p95, p99, max };
}

/** A series from the stats fold, in the report's shape. */
export function toCallStats(series: SeriesStats): CallStats {
  return {
    calls: series.calls,
    byOutcome: { ...series.byOutcome },
    failed: series.failed,
    ratePerSecond: series.ratePerSecond,
    latencyMs: latency(series.latencyMs),
    serviceMs: latency(series.serviceMs),
  };
}

/** The statistics of some calls held in memory (the report itself folds a journal as it streams). */
export function callStats(calls: readonly CallRecord[]): CallStats {
  return toCallStats(foldAll(callStatsFold(), calls).total);
}
