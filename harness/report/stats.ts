import type { CallRecord, Outcome } from '../journal/index.ts';
import type { CallStats } from './schema.ts';

/**
 * Nearest-rank percentile of an ascending list: a value that was actually measured, never an
 * interpolation or a histogram bucket, so "p99 = 5,012 ms" names a real call's duration.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

function summarise(durations: number[]): CallStats['latencyMs'] {
  if (durations.length === 0) return null;
  const sorted = durations.sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] as number,
  };
}

const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'protocol-error', 'transport-error', 'timeout'];

export function callStats(calls: readonly CallRecord[]): CallStats {
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const call of calls) byOutcome[call.outcome]++;
  return {
    calls: calls.length,
    byOutcome,
    latencyMs: summarise(calls.map((c) => c.end - c.intendedStart)),
    serviceMs: summarise(calls.map((c) => c.end - c.actualStart)),
  };
}
