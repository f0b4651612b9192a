import type { Dataset } from '../dataset/generate.ts';
import type { IdentityClaims, JournalRecord, RecordOf } from '../journal/records.ts';
import { makeCall } from './call.ts';
import { type Clock, realClock } from './clock.ts';
import { LagWindows } from './lag.ts';
import type { McpSession } from './mcp-contract.ts';
import { ArrivalPlanner } from './planner.ts';
import { type RetryPolicy, retries, retryCorrelationId, retryDelayMs } from './retry.ts';
import { constantArrivals, parseDuration, rampingArrivals, type Stage } from './schedule.ts';
import type { PlannedCall, ToolMix } from './workload.ts';

/** What every arrival-rate executor shares. */
interface ArrivalLimits {
  /** Calls in flight per identity at most; a call due when all are busy is dropped and counted. */
  maxInFlightPerIdentity: number;
  callTimeoutMs: number;
  mix: ToolMix;
  /** The client retries failed calls with the same arguments (see RetrySpec). */
  retry?: RetryPolicy;
}

/** k6's constant-arrival-rate: an open model, calls start on schedule whether or not earlier ones ended. */
export interface ConstantArrivalRate extends ArrivalLimits {
  /** Calls per second. */
  rate: number;
  durationMs: number;
}

/** k6's ramping-arrival-rate: the rate moves linearly through each stage. */
export interface RampingArrivalRate extends ArrivalLimits {
  /** Calls per second at the start. */
  startRate: number;
  stages: Stage[];
}

/** Any open-model schedule: intended start offsets in ms from the executor's start. */
export interface Arrivals extends ArrivalLimits {
  arrivals: Iterable<number>;
  /** Where the timeline ends (ms from the start): no retry starts from then on (default: when the schedule ends). */
  endMs?: number;
}

export interface WorkloadContext {
  runId: string;
  seed: number;
  dataset: Dataset;
  /** Sessions grouped by identity: the VUs. */
  sessions: McpSession[][];
  append: (record: JournalRecord) => void;
  /** Resolves when the journal can take more (see JournalWriter.pressure); the wait shows as lag. */
  pressure?: () => Promise<void> | undefined;
  phase: () => string | undefined;
  signal?: AbortSignal;
  /** Names a second stream of calls (the noisy user) in its correlation ids; main stream unnamed. */
  stream?: string;
  /** Added to the VU numbers this stream journals, so that two streams' VUs stay apart. */
  vuBase?: number;
  /** Real time unless a test passes a virtual clock. */
  clock?: Clock;
}

export interface WorkloadSummary {
  scheduled: number;
  started: number;
  dropped: number;
  /** Retries made (journaled as calls of their own, not counted in `started`). */
  retried?: number;
  /** Retries due while the identity's in-flight cap was reached, so not made. */
  retriesDropped?: number;
  /** sha256 over the planned call sequence: equal seeds give equal sequences. */
  sequenceDigest: string;
}

export function runConstantArrivalRate(
  config: ConstantArrivalRate,
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  return runArrivals(
    { ...config, arrivals: constantArrivals(config.rate, config.durationMs), endMs: config.durationMs },
    ctx,
  );
}

export function runRampingArrivalRate(
  config: RampingArrivalRate,
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  return runArrivals(
    {
      ...config,
      arrivals: rampingArrivals(config.startRate, config.stages),
      endMs: config.stages.reduce((sum, s) => sum + parseDuration(s.duration), 0),
    },
    ctx,
  );
}

/**
 * Issues each call at its intended start until the schedule ends (or `signal` aborts), then waits
 * for calls in flight. Latency is measured from each call's intended start, so a stalled target
 * cannot hide the calls that should have been made meanwhile (no coordinated omission).
 *
 * Retries run beside the schedule, never in its way: a failed call's retry is due `backoff` after
 * it ended, takes a session of the same identity like any call (the in-flight cap counts it; at
 * the cap it is not made and counted), and starts only before the timeline ends and while the
 * run is not aborted. The planned calls keep their intended starts whatever the retries do.
 */
export async function runArrivals(config: Arrivals, ctx: WorkloadContext): Promise<WorkloadSummary> {
  const clock = ctx.clock ?? realClock;
  const prefix = ctx.stream ? `${ctx.runId}-${ctx.stream}` : ctx.runId;
  const planner = new ArrivalPlanner({
    seed: ctx.seed,
    runId: ctx.runId,
    prefix,
    identities: ctx.sessions.map((group) => group[0]?.identity as IdentityClaims),
    dataset: ctx.dataset,
    mix: config.mix,
  });
  const busy = ctx.sessions.map(() => new Set<McpSession>());
  const lag = new LagWindows(1000, (r) => ctx.append(r), { eventLoop: ctx.clock === undefined });
  const inFlight = new Set<Promise<void>>();
  const t0 = clock.now();
  const vuBase = ctx.vuBase ?? 0;
  const endAt = config.endMs === undefined ? undefined : t0 + config.endMs;
  let scheduleDone = false;
  let index = 0;
  let dropped = 0;
  let retried = 0;
  let retriesDropped = 0;

  /** Starts a call on a free session of `group`, or returns undefined at the in-flight cap. */
  const start = (
    group: number,
    plan: PlannedCall,
    call: Omit<Parameters<typeof makeCall>[4], 'vu' | 'actual' | 'timeoutMs'>,
  ): { actual: number; done: Promise<RecordOf<'call'>> } | undefined => {
    const session = ctx.sessions[group]?.find((s) => !busy[group]?.has(s));
    if (!session || (busy[group]?.size ?? 0) >= config.maxInFlightPerIdentity) return undefined;
    busy[group]?.add(session);
    const actual = clock.now();
    const done = makeCall(session, plan, ctx, clock, {
      ...call,
      vu: vuBase + group,
      actual,
      timeoutMs: config.callTimeoutMs,
    }).finally(() => busy[group]?.delete(session));
    return { actual, done };
  };

  /** Waits until `at` (never less: timers may fire early); false if aborted meanwhile. */
  const waitUntil = async (at: number): Promise<boolean> => {
    for (let wait = at - clock.now(); wait > 0; wait = at - clock.now()) {
      await clock.sleep(wait, ctx.signal);
      if (ctx.signal?.aborted) return false;
    }
    return !ctx.signal?.aborted;
  };

  const open = (at: number) => !ctx.signal?.aborted && (endAt === undefined ? !scheduleDone : at < endAt);

  /** Retries the planned call while its attempts fail as the policy says, each on a free session. */
  const retry = async (first: RecordOf<'call'>, group: number, plan: PlannedCall): Promise<void> => {
    const policy = config.retry as RetryPolicy;
    let last = first;
    for (let attempt = 2; retries(policy, last, attempt - 1); attempt++) {
      const due = last.end + retryDelayMs(policy, attempt);
      if (!open(due) || !(await waitUntil(due)) || !open(due)) return;
      await ctx.pressure?.();
      const started = start(group, plan, {
        correlationId: retryCorrelationId(first.correlationId, attempt),
        intended: due,
        argsDigest: first.argsDigest,
        retry: { attempt, retryOf: first.correlationId },
      });
      if (!started) {
        retriesDropped++;
        return;
      }
      retried++;
      last = await started.done;
    }
  };

  const track = (promise: Promise<void>) => {
    inFlight.add(promise);
    // Promise.all below reports a failure; this copy of the promise must not report it again.
    promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
  };

  for (const offset of config.arrivals) {
    if (ctx.signal?.aborted) break;
    const intended = t0 + offset;
    if (!(await waitUntil(intended))) break;
    await ctx.pressure?.();
    const { callIndex, group, plan, argsDigest } = planner.next();
    index++;
    const started = start(group, plan, { correlationId: `${prefix}-${callIndex}`, intended, argsDigest });
    if (!started) {
      dropped++;
      lag.dropped(intended);
      continue;
    }
    lag.started(intended, started.actual);
    track(
      config.retry
        ? started.done.then((record) => retry(record, group, plan))
        : started.done.then(() => undefined),
    );
  }
  scheduleDone = true;
  lag.close();
  // A planned call's retries are part of its promise, so this waits for them too.
  await Promise.all(inFlight);
  return {
    scheduled: index,
    started: index - dropped,
    dropped,
    ...(config.retry ? { retried, retriesDropped } : {}),
    sequenceDigest: planner.digest(),
  };
}
