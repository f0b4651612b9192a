import type { Dataset } from '../dataset/generate.ts';
import type { IdentityClaims, JournalRecord } from '../journal/records.ts';
import { makeCall } from './call.ts';
import { type Clock, realClock } from './clock.ts';
import { LagWindows } from './lag.ts';
import type { McpSession } from './mcp-contract.ts';
import { ArrivalPlanner } from './planner.ts';
import { constantArrivals, rampingArrivals, type Stage } from './schedule.ts';
import type { ToolMix } from './workload.ts';

/** What every arrival-rate executor shares. */
interface ArrivalLimits {
  /** Calls in flight per identity at most; a call due when all are busy is dropped and counted. */
  maxInFlightPerIdentity: number;
  callTimeoutMs: number;
  mix: ToolMix;
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
  /** sha256 over the planned call sequence: equal seeds give equal sequences. */
  sequenceDigest: string;
}

export function runConstantArrivalRate(
  config: ConstantArrivalRate,
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  return runArrivals({ ...config, arrivals: constantArrivals(config.rate, config.durationMs) }, ctx);
}

export function runRampingArrivalRate(
  config: RampingArrivalRate,
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  return runArrivals({ ...config, arrivals: rampingArrivals(config.startRate, config.stages) }, ctx);
}

/**
 * Issues each call at its intended start until the schedule ends (or `signal` aborts), then waits
 * for calls in flight. Latency is measured from each call's intended start, so a stalled target
 * cannot hide the calls that should have been made meanwhile (no coordinated omission).
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
  let index = 0;
  let dropped = 0;

  for (const offset of config.arrivals) {
    if (ctx.signal?.aborted) break;
    const intended = t0 + offset;
    // Never start early: timers may fire a little before their time.
    for (let wait = intended - clock.now(); wait > 0; wait = intended - clock.now()) {
      await clock.sleep(wait, ctx.signal);
      if (ctx.signal?.aborted) break;
    }
    if (ctx.signal?.aborted) break;
    await ctx.pressure?.();
    const { callIndex, group, plan, argsDigest } = planner.next();
    index++;
    const session = ctx.sessions[group]?.find((s) => !busy[group]?.has(s));
    if (!session || (busy[group]?.size ?? 0) >= config.maxInFlightPerIdentity) {
      dropped++;
      lag.dropped(intended);
      continue;
    }
    busy[group]?.add(session);
    const actual = clock.now();
    lag.started(intended, actual);
    const call = makeCall(session, plan, ctx, clock, {
      correlationId: `${prefix}-${callIndex}`,
      vu: vuBase + group,
      intended,
      actual,
      timeoutMs: config.callTimeoutMs,
      argsDigest,
    }).finally(() => {
      busy[group]?.delete(session);
      inFlight.delete(call);
    });
    inFlight.add(call);
  }
  lag.close();
  await Promise.all(inFlight);
  return {
    scheduled: index,
    started: index - dropped,
    dropped,
    sequenceDigest: planner.digest(),
  };
}
