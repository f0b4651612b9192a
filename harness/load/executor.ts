import { setTimeout as sleep } from 'node:timers/promises';
import type { Dataset } from '../dataset/generate.ts';
import { digest } from '../journal/digest.ts';
import type { IdentityClaims, JournalRecord, RecordOf } from '../journal/records.ts';
import { Random } from '../random.ts';
import { classifyResult, classifyThrown } from './classify.ts';
import { now } from './clock.ts';
import { LagWindows } from './lag.ts';
import { BUILD_KEY, CORRELATION_KEY, type McpSession, type ToolResult } from './mcp-session.ts';
import { type PlannedCall, planCall, type ToolMix } from './workload.ts';

/** k6's constant-arrival-rate: an open model, calls start on schedule whether or not earlier ones ended. */
export interface ConstantArrivalRate {
  /** Calls per second. */
  rate: number;
  durationMs: number;
  /** Calls in flight per identity at most; a call due when all are busy is dropped and counted. */
  maxInFlightPerIdentity: number;
  callTimeoutMs: number;
  mix: ToolMix;
}

export interface WorkloadContext {
  runId: string;
  seed: number;
  dataset: Dataset;
  /** Sessions grouped by identity: the VUs. */
  sessions: McpSession[][];
  append: (record: JournalRecord) => void;
  phase: () => string | undefined;
  signal?: AbortSignal;
}

export interface WorkloadSummary {
  scheduled: number;
  started: number;
  dropped: number;
  /** sha256 over the planned call sequence: equal seeds give equal sequences. */
  sequenceDigest: string;
}

/**
 * Runs the executor until its duration ends (or `signal` aborts), then waits for calls in flight.
 * Latency is measured from each call's intended start, so a stalled target cannot hide the
 * calls that should have been made meanwhile (no coordinated omission).
 */
export async function runConstantArrivalRate(
  config: ConstantArrivalRate,
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  const random = new Random(ctx.seed);
  const intervalMs = 1000 / config.rate;
  const busy = ctx.sessions.map(() => new Set<McpSession>());
  const lag = new LagWindows(1000, (r) => ctx.append(r));
  const inFlight = new Set<Promise<void>>();
  const sequence: string[] = [];
  const t0 = now();
  let index = 0;
  let dropped = 0;

  while (!ctx.signal?.aborted) {
    const intended = t0 + index * intervalMs;
    if (intended >= t0 + config.durationMs) break;
    // Never start early: timers may fire a little before their time.
    for (let wait = intended - now(); wait > 0; wait = intended - now()) await sleep(Math.max(1, wait));
    const group = random.int(0, ctx.sessions.length - 1);
    const callIndex = index++;
    const plan = planCall(
      random,
      ctx.sessions[group]?.[0]?.identity as IdentityClaims,
      ctx.dataset,
      config.mix,
      `${ctx.runId}-k${callIndex}`,
    );
    sequence.push(`${callIndex}:${group}:${plan.tool}:${digest(plan.args)}`);
    const session = ctx.sessions[group]?.find((s) => !busy[group]?.has(s));
    if (!session || (busy[group]?.size ?? 0) >= config.maxInFlightPerIdentity) {
      dropped++;
      lag.dropped(intended);
      continue;
    }
    busy[group]?.add(session);
    const actual = now();
    lag.started(intended, actual);
    const call = makeCall(session, plan, ctx, {
      correlationId: `${ctx.runId}-${callIndex}`,
      vu: group,
      intended,
      actual,
      timeoutMs: config.callTimeoutMs,
    }).finally(() => {
      busy[group]?.delete(session);
      inFlight.delete(call);
    });
    inFlight.add(call);
  }
  lag.flush();
  await Promise.all(inFlight);
  return {
    scheduled: index,
    started: index - dropped,
    dropped,
    sequenceDigest: digest(sequence),
  };
}

async function makeCall(
  session: McpSession,
  plan: PlannedCall,
  ctx: WorkloadContext,
  call: { correlationId: string; vu: number; intended: number; actual: number; timeoutMs: number },
): Promise<void> {
  const phase = ctx.phase();
  let result: ToolResult | undefined;
  let classified: ReturnType<typeof classifyResult>;
  try {
    result = await session.call(plan.tool, plan.args, call.correlationId, call.timeoutMs);
    classified = classifyResult(result);
  } catch (error) {
    classified = classifyThrown(error);
  }
  const end = now();
  const meta = result?._meta ?? {};
  const record: RecordOf<'call'> = {
    type: 'call',
    correlationId: call.correlationId,
    vu: call.vu,
    identity: session.identity,
    tool: plan.tool,
    args: plan.args,
    argsDigest: digest(plan.args),
    intendedStart: call.intended,
    actualStart: call.actual,
    end,
    outcome: classified.outcome,
    ...(phase ? { phase } : {}),
    ...(classified.code ? { code: classified.code } : {}),
    ...(classified.message ? { message: classified.message.slice(0, 300) } : {}),
    ...(typeof meta[BUILD_KEY] === 'string' ? { buildId: meta[BUILD_KEY] } : {}),
    ...(typeof meta[CORRELATION_KEY] === 'string' ? { echoedCorrelationId: meta[CORRELATION_KEY] } : {}),
    ...(result ? { resultDigest: digest(result), result: result.structuredContent } : {}),
  };
  ctx.append(record);
}
