// The scenario DSL's builders: `Phase`, `Expect` and `Workload` (faults are `Fault`, from
// harness/faults). Each returns the plain data a `ScenarioDefinition` holds, so a scenario may be
// written with them or as object literals, and both validate the same way.
import {
  auditComplete,
  authorization,
  boundedByInFlight,
  boundedConnections,
  boundedMemory,
  correctAnswers,
  degradesAndRecovers,
  deployed,
  drainsInFlight,
  driverHealthy,
  gaugeBounded,
  gracefulErrors,
  healthTruthful,
  isolation,
  metricsHonest,
  type NoHangsOptions,
  noHangs,
  piiScan,
  recoversWithin,
  restoredFromBackup,
  shedsExcess,
  slo,
  targetStayedUp,
  thresholds,
  writesExactlyOnce,
} from '../checks/index.ts';
import type { FaultSpec } from '../faults/index.ts';
import {
  type ConstantArrivalRateWorkload,
  type ConstantVusWorkload,
  type Duration,
  parseDuration,
  type RampingArrivalRateWorkload,
  type RampingVusWorkload,
} from '../load/index.ts';
import type { Phase as PhaseSpec } from './define.ts';

type Faults = readonly FaultSpec[];
/** One phase of a timeline (the type of what the `Phase` builders return). */
export type Phase = PhaseSpec;

const phase = (name: string, kind: PhaseSpec['kind'], duration: Duration, faults: Faults): PhaseSpec => ({
  name,
  kind,
  durationMs: parseDuration(duration),
  ...(faults.length > 0 ? { faults: [...faults] } : {}),
});

/**
 * Timeline phases. `Phase.baseline('15s')` is where the steady state is judged;
 * `Phase.fault('20s', Fault.restart('postgres'), Fault.latency(…))` injects its faults at its
 * start (or `afterMs` into it) and heals them at its end (or after `forMs`); several may overlap.
 * Phase names must be unique in a timeline: give a second fault phase its own with `Phase.named`.
 */
export const Phase = {
  baseline: (duration: Duration, ...faults: Faults) => phase('baseline', 'baseline', duration, faults),
  fault: (duration: Duration, ...faults: Faults) => phase('fault', 'fault', duration, faults),
  recovery: (duration: Duration) => phase('recovery', 'recovery', duration, []),
  /** A phase with a name of its own, e.g. `Phase.named('slow-3s', '10s', Fault.latency(…))`. */
  named: (name: string, duration: Duration, ...faults: Faults) =>
    phase(name, faults.length > 0 ? 'fault' : undefined, duration, faults),
};

const ms = (value: Duration | { ms: number } | undefined, fallback: number): number =>
  value === undefined ? fallback : typeof value === 'object' ? value.ms : parseDuration(value);

/**
 * What must hold, each a check over the journal. Durations may be written the k6 way
 * (`Expect.recoversWithin('5s')`).
 */
export const Expect = {
  /** No call takes longer than `max` (default 5s): a hang is the worst answer. */
  noHangs: (max?: Duration, options: Omit<NoHangsOptions, 'maxMs'> = {}) =>
    noHangs({ ...options, maxMs: ms(max, 5000) }),
  /** Error results are well formed, with a stable code and a helpful message, and leak nothing. */
  gracefulErrors,
  /** Calls succeed again within `within` of the fault's heal (or an instant fault's completion). */
  recoversWithin: (within: Duration, options: Omit<Parameters<typeof recoversWithin>[0], 'ms'> = {}) =>
    recoversWithin({ ...options, ms: parseDuration(within) }),
  /** Every answer agrees with the seeded data (the right customer, the right orders). */
  correctAnswers,
  /** Nobody sees a record of another tenant. */
  isolation,
  /** Calls the role table forbids are refused with FORBIDDEN, never served; permitted ones are not refused. */
  authorization,
  /** Acknowledged writes exactly once; writes of failed calls at most once. */
  writesExactlyOnce,
  /** Every call in the target's audit log exactly once (by correlation id); needs GET /dataset/audit. */
  auditComplete,
  /**
   * No seeded plaintext personal data (emails, phones) in the target's database (any text, json or
   * bytea column), its STATE_DIR files (the audit spool) or its logs of the run.
   */
  piiScan,
  /** Latency percentiles and error rate, over the phases named (default all). */
  slo,
  /** k6 thresholds, e.g. `{ 'call_duration{phase:fault}': ['p(99)<3000'] }`. */
  thresholds,
  /** The target's PostgreSQL connections stay within its pool max and return to baseline (soak: no trend). */
  boundedConnections,
  /** The target's RSS stays under budget and ends near baseline (soak: no trend). */
  boundedMemory,
  /** /readyz says not-ready soon after a dependency outage begins, and ready soon after it ends. */
  healthTruthful,
  /** The target's /metrics agree with the journal's calls, its pool gauge with pg_stat_activity. */
  metricsHonest,
  /**
   * One of several instances killed behind the router: only the calls it had in flight fail, the
   * others take the load.
   */
  boundedByInFlight,
  /**
   * A deploy did what it should, proven by the build id on the answers: the new build serves
   * after it, or the old one again after a rollback (`rollback: 'heal' | 'guard'`).
   */
  deployed,
  /** The target never exited on its own: no crash (added to every scenario unless given). */
  targetStayedUp,
  /** The driver kept its schedule (added to every scenario unless given). */
  driverHealthy,
  /** A SIGTERM drains the target: the calls in flight are answered, then it exits 0 in time. */
  drainsInFlight,
  /** A series the probes sample never exceeds `max`, e.g. `gaugeBounded('mcp_sessions_open', { max: 200 })`. */
  gaugeBounded,
  /** Under overload every failure is a fast shed with a retry-after, and served calls keep their baseline latency. */
  shedsExcess,
  /**
   * After Fault.restoreBackup: every write acknowledged before the backup's recovery point, and
   * after the restore, there exactly once; the writes in between counted as the restore's loss.
   */
  restoredFromBackup,
  /**
   * A tool's answers degrade (`shipping.available: false`) while its upstream is away and are
   * full again `within` after the last heal (`Expect.degradesAndRecovers('5s')`).
   */
  degradesAndRecovers: (
    within: Duration,
    options: Omit<Parameters<typeof degradesAndRecovers>[0], 'withinMs'> = {},
  ) => degradesAndRecovers({ ...options, withinMs: parseDuration(within) }),
};

type Common<W> = Omit<W, 'executor' | 'rate' | 'vus' | 'stages'>;

/** The load, named after k6's executors. */
export const Workload = {
  /** `rate` calls per second for the whole timeline (open model: a slow target does not slow it). */
  arrivalRate: (
    rate: number,
    options: Common<ConstantArrivalRateWorkload> = {},
  ): ConstantArrivalRateWorkload => ({
    ...options,
    rate,
  }),
  rampingArrivalRate: (
    stages: RampingArrivalRateWorkload['stages'],
    options: Common<RampingArrivalRateWorkload> = {},
  ): RampingArrivalRateWorkload => ({ ...options, executor: 'ramping-arrival-rate', stages }),
  /** `vus` users, each calling, thinking, calling again (closed model). */
  vus: (vus: number, options: Common<ConstantVusWorkload> = {}): ConstantVusWorkload => ({
    ...options,
    executor: 'constant-vus',
    vus,
  }),
  rampingVus: (
    stages: RampingVusWorkload['stages'],
    options: Common<RampingVusWorkload> = {},
  ): RampingVusWorkload => ({
    ...options,
    executor: 'ramping-vus',
    stages,
  }),
};
