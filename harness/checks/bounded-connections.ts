import { seriesKey } from '../journal/index.ts';
import { EvidenceList, verdict } from './evidence.ts';
import { count } from './format.ts';
import {
  type ApplicationFilter,
  baselineOf,
  clock,
  DB_LINK,
  endOf,
  type GaugeState,
  gaugeAdd,
  gaugeInit,
  gaugePhase,
  type LinkExcuse,
  linkExcused,
  linkExcuseInit,
  linkExcuseUpdate,
  notTheHarness,
  num,
  type Sample,
  shapeOf,
  span,
  targetConnections,
  trendOf,
} from './probe-series.ts';
import type { Check } from './types.ts';

export interface BoundedConnectionsOptions {
  /**
   * The pool's maximum. Default: the latest `db_pool_max` gauge the `metrics` probe read; with
   * neither, only the return to baseline (and the trend) is judged, and the summary says so.
   * With several target instances behind the router, give the sum of their pools.
   */
  max?: number;
  /** Which application_names are the target's. Default: every one but the harness's own (`mcp-chaos-*`). */
  applicationName?: ApplicationFilter;
  /**
   * What must return to baseline by the end. `in-use` (default): the connections the target is
   * using — checked out of its pool (`db_pool_total − db_pool_idle` from the metrics probe) when it
   * exposes those gauges, else its backends in pg_stat_activity that are not `idle`. `all`: every
   * connection of the target in pg_stat_activity. Idle pooled connections are a cache that leaves
   * by the pool's idle timeout (30 s in the reference server), longer than a quick profile's
   * recovery phase; a leaked client is checked out for good even though its backend is idle.
   */
  settle?: 'in-use' | 'all';
  /** How far above the baseline median the end may sit, in connections. Default 2. */
  tolerance?: number;
  /** How many of the last samples make the end (median). Default 5. */
  endSamples?: number;
  /**
   * Samples taken while a fault is on the `target→postgres` link, or this long after its heal,
   * are not held against the max: behind a black-holed or reset link, backends of connections
   * the pool already gave up linger in pg_stat_activity until PostgreSQL or Toxiproxy lets them
   * go. Default 5000 ms.
   */
  linkGraceMs?: number;
  /**
   * Fail on a sustained rise (least-squares slope over the run). Default `'soak'`: on when the
   * journal's header says the run was played with the soak profile, where slow leaks show.
   */
  trend?: boolean | 'soak';
  /** With `trend`: the steepest rise tolerated, in connections per hour. Default 2. */
  maxGrowthPerHour?: number;
}

const NAME = 'boundedConnections';
/** Samples held while the max is not yet known (it comes from the metrics probe, maybe a tick later). */
const PENDING_CAP = 64;
const POOL_MAX = seriesKey('db_pool_max');
const POOL_TOTAL = seriesKey('db_pool_total');
const POOL_IDLE = seriesKey('db_pool_idle');

interface Reading extends Sample {
  source: 'pg_stat_activity' | 'db_pool_total';
}

interface State {
  /** The run was played with the soak profile (its header says so). */
  soak: boolean;
  connections: GaugeState;
  /** Checked out of the pool, by its own gauges. */
  poolInUse: GaugeState;
  /** Not idle, by pg_stat_activity. */
  pgInUse: GaugeState;
  gaugeMax: number | undefined;
  pending: Reading[];
  /** Readings judged against the max, and the highest of them. */
  judged: number;
  highest: Reading | undefined;
  over: EvidenceList;
  excused: number;
  /** Faults on the database link: readings under them are excused. */
  link: LinkExcuse;
}

/**
 * The target's PostgreSQL connections (pg_stat_activity, from the `postgres` probe) never exceed
 * its pool's max, nor does its own `db_pool_total` gauge; and by the end of the run they are
 * back near the baseline: the median of the last samples (of the last phase) at most
 * `tolerance` above the first phase's median. A leak ends high; a pool that grows without bound
 * crosses the max. With `trend`, a soak run also fails on a sustained rise.
 *
 * What must settle is, by default, what the target uses (see `settle`), not the idle connections
 * its pool caches until its idle timeout.
 */
export function boundedConnections(options: BoundedConnectionsOptions = {}): Check<State> {
  const {
    max: maxOption,
    applicationName = notTheHarness,
    settle = 'in-use',
    tolerance = 2,
    endSamples = 5,
    linkGraceMs = 5000,
    trend = 'soak',
    maxGrowthPerHour = 2,
  } = options;

  const maxOf = (state: State) => maxOption ?? state.gaugeMax;
  const excused = (state: State, at: number) => linkExcused(state.link, at);

  const judge = (state: State, reading: Reading, max: number) => {
    state.judged++;
    if (state.highest === undefined || reading.value > state.highest.value) state.highest = reading;
    if (reading.value > max) {
      state.over.add({
        message: `${clock(reading.at)}: ${reading.source} ${num(reading.value)} > max ${num(max)}`,
      });
    }
  };

  const read = (state: State, reading: Reading) => {
    if (reading.source === 'pg_stat_activity' && excused(state, reading.at)) {
      state.excused++;
      return;
    }
    const max = maxOf(state);
    if (max !== undefined) judge(state, reading, max);
    else if (state.pending.length < PENDING_CAP) state.pending.push(reading);
  };

  return {
    name: NAME,
    needs: ['header', 'probe', 'phase', 'fault'],
    init: () => ({
      soak: false,
      connections: gaugeInit(endSamples),
      poolInUse: gaugeInit(endSamples),
      pgInUse: gaugeInit(endSamples),
      gaugeMax: undefined,
      pending: [],
      judged: 0,
      highest: undefined,
      over: new EvidenceList(),
      excused: 0,
      link: linkExcuseInit(),
    }),
    update(state, record) {
      if (record.type === 'header') {
        state.soak = record.config.profile === 'soak';
        return;
      }
      if (record.type === 'phase') {
        gaugePhase(state.connections, record);
        gaugePhase(state.poolInUse, record);
        gaugePhase(state.pgInUse, record);
        return;
      }
      if (record.type === 'fault') {
        linkExcuseUpdate(state.link, record, linkGraceMs);
        return;
      }
      if (record.type !== 'probe' || !record.ok || record.values === undefined) return;
      if (record.name === 'metrics') {
        const gaugeMax = record.values[POOL_MAX];
        if (gaugeMax !== undefined) {
          state.gaugeMax = gaugeMax;
          if (maxOption === undefined)
            for (const reading of state.pending.splice(0)) judge(state, reading, gaugeMax);
        }
        const total = record.values[POOL_TOTAL];
        const idle = record.values[POOL_IDLE];
        if (total !== undefined && idle !== undefined) gaugeAdd(state.poolInUse, record.at, total - idle);
        if (total !== undefined) {
          read(state, { at: record.at, value: total, source: 'db_pool_total' });
        }
      } else if (record.name === 'postgres') {
        const value = targetConnections(record.values, applicationName);
        gaugeAdd(state.connections, record.at, value);
        gaugeAdd(state.pgInUse, record.at, targetConnections(record.values, applicationName, true));
        read(state, { at: record.at, value, source: 'pg_stat_activity' });
      }
    },
    finish(state) {
      const c = state.connections;
      if (c.samples === 0) {
        return verdict(
          NAME,
          'inconclusive',
          'No postgres probe samples, so the connections could not be judged.',
        );
      }
      const max = maxOf(state);
      const failures: string[] = [];
      const notes: string[] = [];
      const evidence = new EvidenceList();

      if (max === undefined) {
        notes.push(
          'no pool max known (pass max, or expose a db_pool_max gauge): only the return to baseline was judged',
        );
      } else if (state.over.total > 0) {
        failures.push(
          `exceeded the pool max of ${num(max)} in ${count(state.over.total)} ${state.over.total === 1 ? 'reading' : 'readings'} (highest ${num(state.highest?.value ?? 0)})`,
        );
        for (const item of state.over.items) evidence.add(item);
        evidence.total = state.over.total;
      } else if (state.highest !== undefined) {
        notes.push(
          `peak ${num(state.highest.value)} of max ${num(max)} at ${clock(state.highest.at)} in ${state.highest.source}, margin ${num(max - state.highest.value)}`,
        );
      }
      if (state.excused > 0) {
        notes.push(`${count(state.excused)} samples during faults on ${DB_LINK} not held against the max`);
      }

      const [settled, what] =
        settle === 'all'
          ? [c, 'connections']
          : state.poolInUse.samples > 0
            ? [state.poolInUse, 'checked out of the pool (db_pool_total − db_pool_idle)']
            : [state.pgInUse, 'not idle in pg_stat_activity'];
      const baseline = baselineOf(settled);
      const end = endOf(settled);
      if (baseline && end) {
        const limit = baseline.median + tolerance;
        const figures = `${what}: ended at ${num(end.median)} (median of the last ${end.samples.length}), baseline ${num(baseline.median)}, tolerance +${num(tolerance)}`;
        if (end.median > limit) {
          failures.push(`did not return to baseline, ${figures}`);
          for (const s of end.samples)
            evidence.add({ message: `${clock(s.at)}: ${num(s.value)} ${what} at the end` });
        } else {
          notes.push(`${figures}, margin ${num(limit - end.median)}`);
        }
      }

      if (trend === true || (trend === 'soak' && state.soak)) {
        const fit = trendOf(c);
        if (fit === undefined) {
          notes.push('too few samples for a trend');
        } else {
          const figures = `${fit.perHour >= 0 ? '+' : ''}${num(fit.perHour)}/h over ${span(fit.hours)}, limit +${num(maxGrowthPerHour)}/h`;
          // A steep slope over a short run can be noise that never adds up to a whole connection.
          if (fit.perHour > maxGrowthPerHour && fit.rise >= 1) {
            failures.push(`rose steadily (${figures}, fitted rise ${num(fit.rise)})`);
            for (const s of shapeOf(c))
              evidence.add({ message: `${clock(s.at)}: ${num(s.value)} connections` });
          } else {
            notes.push(`trend ${figures}`);
          }
        }
      }

      const tail = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      if (failures.length > 0) {
        return verdict(
          NAME,
          'fail',
          `The target's PostgreSQL connections ${failures.join('; ')}${tail}.`,
          evidence,
        );
      }
      return verdict(NAME, 'pass', `The target's PostgreSQL connections stayed bounded${tail}.`);
    },
  };
}
