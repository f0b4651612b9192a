import type { CallRecord, RecordOf } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count, plural } from './format.ts';
import {
  type ApplicationFilter,
  clock,
  DB_LINK,
  familySum,
  type LinkExcuse,
  linkExcused,
  linkExcuseInit,
  linkExcuseUpdate,
  notTheHarness,
  num,
  parseSeriesKey,
  targetConnections,
} from './probe-series.ts';
import type { Check } from './types.ts';

export interface MetricsHonestOptions {
  /** The target's tool-call counter family (summed over its labels), or false to skip that part. Default `mcp_tool_calls_total`. */
  counter?: string | false;
  /** The counter may differ from the journal by the larger of these. Defaults 5 calls and 0.05 (5%). */
  toleranceCalls?: number;
  toleranceRatio?: number;
  /** The pool gauge compared with pg_stat_activity, or false to skip that part. Default `db_pool_total`. */
  poolGauge?: string | false;
  /** Which application_names are the target's. Default: every one but the harness's own (`mcp-chaos-*`). */
  applicationName?: ApplicationFilter;
  /** How far the gauge may be from pg_stat_activity in one tick, in connections. Default 2. */
  poolTolerance?: number;
  /** The share of ticks in which they must agree. Default 0.8. */
  minAgreement?: number;
  /** Fewer paired ticks than this and the gauge is not judged. Default 5. */
  minTicks?: number;
  /**
   * Ticks while a fault is on the `target→postgres` link, or this long after its heal, are not
   * compared: backends the pool already gave up (or that never finished their startup behind a
   * black hole) stay in pg_stat_activity meanwhile. Default 5000 ms.
   */
  linkGraceMs?: number;
}

const NAME = 'metricsHonest';
/** The same tick's samples of two probes start within microseconds; a skipped tick is an interval away. */
const PAIR_WITHIN_MS = 50;
/** Unpaired samples kept per side, waiting for the other probe's sample of the same tick. */
const UNPAIRED_CAP = 8;
/**
 * Calls held until the next metrics sample. Normally a probe interval's worth; should the
 * metrics probe stop answering for long, the oldest half is tallied in `carried` (they ended
 * before any sample still to come, so they belong to the next interval anyway).
 */
const PENDING_CAP = 10_000;
const CPU = 'process_cpu_seconds_total';

/** How a call counts against the target's counter. */
type Reach = 'answered' | 'maybe';

/**
 * ok and tool-error outcomes carry a tool result, so the target dispatched the call and counted
 * it. Timeouts, transport and protocol errors may or may not have reached its dispatcher (a
 * request refused at the door, an answer lost on the way back, a call the client gave up on that
 * the target finished later), so they widen the range the counter may fall in instead.
 */
function reach(call: CallRecord): Reach {
  return call.outcome === 'ok' || call.outcome === 'error' ? 'answered' : 'maybe';
}

interface Tally {
  counter: number;
  answered: number;
  maybe: number;
}

interface CounterSample {
  at: number;
  total: number;
  byTool: Map<string, number>;
  cpu: number | undefined;
}

interface PairSide {
  at: number;
  value: number;
}

interface State {
  pending: { end: number; tool: string; reach: Reach }[];
  carried: Map<string, Tally>;
  previous: CounterSample | undefined;
  firstAt: number | undefined;
  lastAt: number | undefined;
  familySeen: boolean;
  intervals: number;
  resets: number;
  total: Tally;
  byTool: Map<string, Tally>;
  // The pool gauge against pg_stat_activity.
  gauges: PairSide[];
  connections: PairSide[];
  ticks: number;
  agreed: number;
  worstGap: number;
  disagreed: EvidenceList;
  excusedTicks: number;
  gaugeSeen: boolean;
  /** Faults on the database link: readings under them are excused. */
  link: LinkExcuse;
}

const tally = (): Tally => ({ counter: 0, answered: 0, maybe: 0 });

/**
 * The target's /metrics agree with the journal.
 *
 * Counter: the increase of `mcp_tool_calls_total` (all labels) between consecutive metrics
 * samples, summed over the run, against the journal's calls that ended in those intervals:
 * between `answered` − tolerance and `answered` + `maybe` + tolerance (see `reach`), tolerance
 * being max(toleranceCalls, toleranceRatio × answered). An interval in which the counter or
 * process_cpu_seconds_total went down (the target restarted) is left out on both sides.
 *
 * Pool gauge: `db_pool_total` against the target's connections in pg_stat_activity, the two
 * probes' samples of one tick paired (the sampler starts every probe on the same tick, so their
 * `at` are within microseconds): within ±poolTolerance in at least minAgreement of the ticks.
 * A gauge frozen while pg_stat_activity moves (the pool-gauge-stale defect) fails, with the
 * ticks where they parted as evidence.
 *
 * Both compare one target instance: with several behind the router, the metrics probe reads one
 * and pg_stat_activity shows all (give `applicationName`, or switch a part off).
 */
export function metricsHonest(options: MetricsHonestOptions = {}): Check<State> {
  const {
    counter = 'mcp_tool_calls_total',
    toleranceCalls = 5,
    toleranceRatio = 0.05,
    poolGauge = 'db_pool_total',
    applicationName = notTheHarness,
    poolTolerance = 2,
    minAgreement = 0.8,
    minTicks = 5,
    linkGraceMs = 5000,
  } = options;
  const toleranceOf = (answered: number) => Math.max(toleranceCalls, toleranceRatio * answered);

  const onCounter = (state: State, record: RecordOf<'probe'>, values: Record<string, number>) => {
    if (counter === false) return;
    const sum = familySum(values, counter);
    if (sum !== undefined) state.familySeen = true;
    const byTool = new Map<string, number>();
    for (const [key, value] of Object.entries(values)) {
      const { name, labels } = parseSeriesKey(key);
      if (name !== counter) continue;
      const tool = labels.tool ?? '';
      byTool.set(tool, (byTool.get(tool) ?? 0) + value);
    }
    const sample: CounterSample = { at: record.at, total: sum ?? 0, byTool, cpu: values[CPU] };
    const ended = state.pending.filter((c) => c.end <= sample.at);
    state.pending = state.pending.filter((c) => c.end > sample.at);
    const carried = state.carried;
    state.carried = new Map();
    const previous = state.previous;
    state.previous = sample;
    if (previous === undefined) {
      state.firstAt = sample.at;
      return;
    }
    const restarted =
      sample.total < previous.total ||
      (sample.cpu !== undefined && previous.cpu !== undefined && sample.cpu < previous.cpu);
    if (restarted) {
      state.resets++;
      return;
    }
    state.intervals++;
    state.lastAt = sample.at;
    state.total.counter += sample.total - previous.total;
    for (const [tool, value] of byTool) {
      const t = state.byTool.get(tool) ?? tally();
      t.counter += Math.max(0, value - (previous.byTool.get(tool) ?? 0));
      state.byTool.set(tool, t);
    }
    for (const call of ended) {
      const t = state.byTool.get(call.tool) ?? tally();
      t[call.reach]++;
      state.byTool.set(call.tool, t);
      state.total[call.reach]++;
    }
    for (const [tool, c] of carried) {
      const t = state.byTool.get(tool) ?? tally();
      t.answered += c.answered;
      t.maybe += c.maybe;
      state.byTool.set(tool, t);
      state.total.answered += c.answered;
      state.total.maybe += c.maybe;
    }
  };

  const pair = (state: State, gauge: PairSide, connections: PairSide) => {
    if (linkExcused(state.link, gauge.at)) {
      state.excusedTicks++;
      return;
    }
    state.ticks++;
    const gap = Math.abs(gauge.value - connections.value);
    if (gap <= poolTolerance) {
      state.agreed++;
      state.worstGap = Math.max(state.worstGap, gap);
    } else {
      state.disagreed.add({
        message: `${clock(gauge.at)}: ${poolGauge} ${num(gauge.value)}, pg_stat_activity ${num(connections.value)}`,
      });
    }
  };

  /** Pairs `sample` with the other probe's sample of the same tick, or keeps it waiting. */
  const match = (state: State, sample: PairSide, mine: PairSide[], theirs: PairSide[], isGauge: boolean) => {
    const i = theirs.findIndex((other) => Math.abs(other.at - sample.at) <= PAIR_WITHIN_MS);
    if (i < 0) {
      mine.push(sample);
      if (mine.length > UNPAIRED_CAP) mine.shift();
      return;
    }
    const [other] = theirs.splice(i, 1) as [PairSide];
    if (isGauge) pair(state, sample, other);
    else pair(state, other, sample);
  };

  return {
    name: NAME,
    needs: ['call', 'probe', 'fault'],
    init: () => ({
      pending: [],
      carried: new Map(),
      previous: undefined,
      firstAt: undefined,
      lastAt: undefined,
      familySeen: false,
      intervals: 0,
      resets: 0,
      total: tally(),
      byTool: new Map(),
      gauges: [],
      connections: [],
      ticks: 0,
      agreed: 0,
      worstGap: 0,
      disagreed: new EvidenceList(),
      excusedTicks: 0,
      gaugeSeen: false,
      link: linkExcuseInit(),
    }),
    update(state, record) {
      if (record.type === 'call') {
        if (counter === false) return;
        state.pending.push({ end: record.end, tool: record.tool, reach: reach(record) });
        if (state.pending.length > PENDING_CAP) {
          for (const c of state.pending.splice(0, PENDING_CAP / 2)) {
            const t = state.carried.get(c.tool) ?? tally();
            t[c.reach]++;
            state.carried.set(c.tool, t);
          }
        }
        return;
      }
      if (record.type === 'fault') {
        linkExcuseUpdate(state.link, record, linkGraceMs);
        return;
      }
      if (record.type !== 'probe' || !record.ok || record.values === undefined) return;
      if (record.name === 'metrics') {
        onCounter(state, record, record.values);
        const gauge = poolGauge === false ? undefined : record.values[poolGauge];
        if (gauge !== undefined) {
          state.gaugeSeen = true;
          match(state, { at: record.at, value: gauge }, state.gauges, state.connections, true);
        }
      } else if (record.name === 'postgres' && poolGauge !== false) {
        const value = targetConnections(record.values, applicationName);
        match(state, { at: record.at, value }, state.connections, state.gauges, false);
      }
    },
    finish(state) {
      const failures: string[] = [];
      const passes: string[] = [];
      const skipped: string[] = [];
      const evidence = new EvidenceList();

      // The counter.
      if (counter !== false) {
        const { counter: rose, answered, maybe } = state.total;
        const tolerance = toleranceOf(answered);
        const low = answered - tolerance;
        const high = answered + maybe + tolerance;
        const window =
          state.firstAt !== undefined && state.lastAt !== undefined
            ? ` from ${clock(state.firstAt)} to ${clock(state.lastAt)}`
            : '';
        const journal = `the journal has ${plural(answered, 'call')} the target answered${maybe > 0 ? ` and ${count(maybe)} that may have reached it` : ''}`;
        const resets =
          state.resets > 0 ? `; ${plural(state.resets, 'interval')} with a restart left out` : '';
        if (state.intervals === 0) {
          skipped.push(`${counter} not judged: fewer than two metrics samples`);
        } else if (!state.familySeen && answered > 0) {
          failures.push(
            `no ${counter} series in any /metrics sample while ${journal}${window} (missing or never incremented; pass counter: false for a target without it)`,
          );
        } else if (answered + maybe === 0 && rose === 0) {
          skipped.push(`${counter} not judged: no calls between the metrics samples`);
        } else if (rose < low || rose > high) {
          failures.push(
            `${counter} rose by ${count(rose)}${window} but ${journal} (allowed ${count(Math.max(0, low))}–${count(high)})${resets}`,
          );
          const tools = [...state.byTool.entries()].sort(([a], [b]) => a.localeCompare(b));
          const off = tools.filter(([, t]) => {
            const tol = toleranceOf(t.answered);
            return t.counter < t.answered - tol || t.counter > t.answered + t.maybe + tol;
          });
          for (const [tool, t] of off.length > 0 ? off : tools) {
            evidence.add({
              message: `${tool || '(no tool label)'}: ${counter} +${count(t.counter)}, journal ${count(t.answered)} answered${t.maybe > 0 ? ` (+${count(t.maybe)} maybe)` : ''}`,
            });
          }
        } else {
          const margin = Math.min(rose - low, high - rose);
          passes.push(
            `${counter} rose by ${count(rose)}${window}, ${journal} (allowed ${count(Math.max(0, low))}–${count(high)}, margin ${count(margin)})${resets}`,
          );
        }
      }

      // The pool gauge.
      if (poolGauge !== false) {
        const excused =
          state.excusedTicks > 0
            ? `; ${plural(state.excusedTicks, 'tick')} during faults on ${DB_LINK} not compared`
            : '';
        if (!state.gaugeSeen) {
          skipped.push(`${poolGauge} not judged: no such series in the metrics samples`);
        } else if (state.ticks < minTicks) {
          skipped.push(
            `${poolGauge} not judged: ${plural(state.ticks, 'tick')} with both a metrics and a postgres sample (at least ${count(minTicks)} needed)${excused}`,
          );
        } else {
          const share = state.agreed / state.ticks;
          const figures = `${poolGauge} agreed with pg_stat_activity within ±${num(poolTolerance)} in ${count(state.agreed)} of ${plural(state.ticks, 'tick')} (${(share * 100).toFixed(0)}%, at least ${(minAgreement * 100).toFixed(0)}% needed`;
          if (share < minAgreement) {
            failures.push(`${figures})${excused}`);
            for (const item of state.disagreed.items) evidence.add(item);
            evidence.total += state.disagreed.total - state.disagreed.items.length;
          } else {
            passes.push(`${figures}, margin ${((share - minAgreement) * 100).toFixed(0)} points)${excused}`);
          }
        }
      }

      const notes = [...passes, ...skipped];
      const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      if (failures.length > 0) {
        return verdict(
          NAME,
          'fail',
          `The target's /metrics disagree with the journal: ${failures.join('; ')}${tail}.`,
          evidence,
        );
      }
      if (passes.length === 0) {
        return verdict(
          NAME,
          'inconclusive',
          `Nothing in /metrics could be compared with the journal: ${skipped.join('; ')}.`,
        );
      }
      return verdict(NAME, 'pass', `The target's /metrics agree with the journal: ${notes.join('; ')}.`);
    },
  };
}
