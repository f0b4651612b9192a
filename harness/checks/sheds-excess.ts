import type { CallRecord } from '../journal/index.ts';
import { Distribution, isFailed } from '../stats/index.ts';
import { FaultTransitions, type Stream, streamOf } from './call-scope.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, ms, plural } from './format.ts';
import type { Check } from './types.ts';

export interface ShedsExcessOptions {
  /** The overload phases judged (e.g. `['spike']`). */
  phases: readonly string[];
  /** The phase whose served calls set the latency reference (default `baseline`). */
  baseline?: string;
  /** Served calls' p99 in the overload phases may be at most this times the baseline's (default 3). */
  latencyFactor?: number;
  /**
   * Sheds are fast when the target answered 95% of them within this, from each call's actual start
   * (default 250 ms). A percentile, not every one: a refusal that met a GC pause is not a queue.
   */
  fastMs?: number;
  /** The codes that mean "shed, retry later" (default the reference contract's BUSY, RATE_LIMITED). */
  codes?: readonly string[];
  /** Judge only one stream of calls (default every call). */
  stream?: Stream;
  /**
   * Fewer sheds than this in the overload phases means the load never exceeded the target's
   * limits, so shedding was not exercised: inconclusive (default 1; 0 accepts a run without one).
   */
  minSheds?: number;
}

interface State {
  transitions: FaultTransitions;
  baseline: Distribution;
  served: Distribution;
  slowestServed: { correlationId: string; ms: number }[];
  shedMs: Distribution;
  slowestSheds: { correlationId: string; ms: number; what: string }[];
  judged: number;
  straddling: number;
  problems: EvidenceList;
}

const RETRY_AFTER = /retry after \d+(?:\.\d+)? ?ms/i;

/** The retry-after figure a shed answer must carry: `retryAfterMs` in its error, or in its message. */
function hasRetryAfter(call: CallRecord): boolean {
  if (RETRY_AFTER.test(call.message ?? '')) return true;
  const error = (call.result as { error?: { retryAfterMs?: unknown } } | undefined)?.error;
  return typeof error?.retryAfterMs === 'number' && Number.isFinite(error.retryAfterMs);
}

const p99 = (d: Distribution): number | undefined => (d.count === 0 ? undefined : d.percentile(99));

/** Keeps the five slowest, slowest first: constant memory. */
function keepSlowest<T extends { ms: number }>(list: T[], item: T): void {
  if (list.length >= 5 && item.ms <= (list.at(-1)?.ms ?? 0)) return;
  list.push(item);
  list.sort((a, b) => b.ms - a.ms);
  list.length = Math.min(list.length, 5);
}

/**
 * Overload handled by shedding (the reference story's first outage): during the overload phases
 * every failed call is a shed — an error answer with a shed code (BUSY, RATE_LIMITED) carrying a
 * retry-after figure — the sheds are fast (95% answered within `fastMs`), and the calls served keep their latency:
 * their p99 (from the intended start, as users waited) at most `latencyFactor` times the baseline
 * phase's. A server that queues the excess instead slows every caller (and then times out):
 * that fails. Calls in flight while a fault came or went are left out, as in `slo`.
 */
export function shedsExcess(options: ShedsExcessOptions): Check<State> {
  const name = 'shedsExcess';
  const {
    baseline = 'baseline',
    latencyFactor = 3,
    fastMs = 250,
    codes = ['BUSY', 'RATE_LIMITED'],
    stream,
    minSheds = 1,
  } = options;
  const phases = new Set(options.phases);
  return {
    name,
    needs: ['call', 'fault'],
    init: () => ({
      transitions: new FaultTransitions(),
      baseline: new Distribution(),
      served: new Distribution(),
      slowestServed: [],
      shedMs: new Distribution(),
      slowestSheds: [],
      judged: 0,
      straddling: 0,
      problems: new EvidenceList(),
    }),
    update(state, record) {
      if (record.type === 'fault') {
        state.transitions.add(record);
        return;
      }
      if (record.type !== 'call' || record.phase === undefined) return;
      if (stream && streamOf(record) !== stream) return;
      const inBaseline = record.phase === baseline;
      if (!inBaseline && !phases.has(record.phase)) return;
      if (state.transitions.straddles(record)) {
        state.straddling++;
        return;
      }
      const waited = record.end - record.intendedStart;
      if (inBaseline) {
        if (!isFailed(record)) state.baseline.record(waited);
        return;
      }
      state.judged++;
      if (!isFailed(record)) {
        state.served.record(waited);
        keepSlowest(state.slowestServed, { correlationId: record.correlationId, ms: waited });
        return;
      }
      const answeredMs = record.end - record.actualStart;
      const what = `${record.tool} ${record.outcome}${record.code ? ` ${record.code}` : ''} after ${ms(answeredMs)}`;
      if (record.outcome !== 'error' || !codes.includes(record.code ?? '')) {
        state.problems.add({ correlationId: record.correlationId, message: `${what}: not a shed` });
        return;
      }
      state.shedMs.record(answeredMs);
      keepSlowest(state.slowestSheds, { correlationId: record.correlationId, ms: answeredMs, what });
      if (!hasRetryAfter(record))
        state.problems.add({
          correlationId: record.correlationId,
          message: `${what}: no retry-after figure`,
        });
    },
    finish(state) {
      const scope = `${[...phases].join(', ')}${stream ? `, ${stream} stream` : ''}`;
      const left =
        state.straddling > 0
          ? ` (${plural(state.straddling, 'call')} in flight while a fault came or went left out)`
          : '';
      const reference = p99(state.baseline);
      const served = p99(state.served);
      if (state.judged === 0 || reference === undefined) {
        return verdict(
          name,
          'inconclusive',
          state.judged === 0
            ? `No calls in ${scope}, so overload handling could not be judged.`
            : `No served calls in phase ${baseline}, so there is no latency to compare with.`,
        );
      }
      const limit = reference * latencyFactor;
      const shedP95 = state.shedMs.count === 0 ? 0 : (state.shedMs.percentile(95) ?? 0);
      const slowSheds = shedP95 > fastMs;
      const sheds =
        state.shedMs.count === 0
          ? 'no call shed'
          : `${plural(state.shedMs.count, 'call')} shed (p95 answer ${ms(shedP95)}, limit ${ms(fastMs)})`;
      const latency =
        served === undefined
          ? 'no call served'
          : `p99 of served calls ${ms(served)} (limit ${latencyFactor}x the ${baseline} p99 ${ms(reference)} = ${ms(limit)})`;
      const evidence = new EvidenceList();
      const slow = served !== undefined && served > limit;
      const failures: string[] = [];
      if (state.problems.total > 0)
        failures.push(
          `${plural(state.problems.total, 'failed call')} of ${count(state.judged)} not a shed with a retry-after`,
        );
      if (slowSheds) failures.push(`sheds slow: p95 answer ${ms(shedP95)} (limit ${ms(fastMs)})`);
      if (slow) failures.push(latency);
      if (served === undefined) failures.push('no call was served at all');
      if (failures.length > 0) {
        for (const item of state.problems.items) evidence.add(item);
        if (slowSheds) {
          for (const s of state.slowestSheds)
            evidence.add({ correlationId: s.correlationId, message: s.what });
        }
        if (slow) {
          for (const s of state.slowestServed)
            evidence.add({ correlationId: s.correlationId, message: `served after ${ms(s.ms)}` });
        }
        return verdict(name, 'fail', `In ${scope}: ${failures.join('; ')}; ${sheds}${left}.`, evidence);
      }
      if (state.shedMs.count < minSheds) {
        return verdict(
          name,
          'inconclusive',
          `In ${scope}: ${sheds} (at least ${count(minSheds)} expected), so the overload never exceeded the target's limits and shedding was not exercised: make the overload larger (Fault.spike) or the target's limits smaller${left}.`,
        );
      }
      return verdict(
        name,
        'pass',
        `In ${scope}: ${plural(state.served.count, 'call')} served, ${latency}, margin ${ms(limit - (served ?? 0))}; ${sheds}; no other failure${left}.`,
      );
    },
  };
}
