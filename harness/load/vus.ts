import { digest } from '../journal/digest.ts';
import { Random } from '../random.ts';
import { makeCall } from './call.ts';
import { realClock } from './clock.ts';
import type { WorkloadContext, WorkloadSummary } from './executor.ts';
import { LagWindows } from './lag.ts';
import { sequenceDigestOf } from './planner.ts';
import { type RetryPolicy, retries, retryCorrelationId, retryDelayMs } from './retry.ts';
import { parseDuration, type Stage } from './schedule.ts';
import { SequenceHash } from './sequence-hash.ts';
import { planCall, type ToolMix } from './workload.ts';

/** k6's constant-vus: `vus` virtual users, each calling, thinking, calling again (a closed model). */
export interface ConstantVus {
  vus: number;
  durationMs: number;
  thinkTimeMs: number;
  callTimeoutMs: number;
  mix: ToolMix;
  retry?: RetryPolicy;
}

/** k6's ramping-vus: the number of active VUs moves linearly through the stages. */
export interface RampingVus {
  startVus: number;
  stages: Stage[];
  thinkTimeMs: number;
  callTimeoutMs: number;
  mix: ToolMix;
  retry?: RetryPolicy;
}

export function runConstantVus(config: ConstantVus, ctx: WorkloadContext): Promise<WorkloadSummary> {
  return runVus({ ...config, maxVus: config.vus, vusAt: () => config.vus }, ctx);
}

export function runRampingVus(config: RampingVus, ctx: WorkloadContext): Promise<WorkloadSummary> {
  const points = [{ at: 0, vus: config.startVus }];
  for (const stage of config.stages) {
    points.push({ at: (points.at(-1)?.at ?? 0) + parseDuration(stage.duration), vus: stage.target });
  }
  const vusAt = (offset: number) => {
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1], points[i]] as [(typeof points)[0], (typeof points)[0]];
      if (offset < b.at) return Math.round(a.vus + ((b.vus - a.vus) * (offset - a.at)) / (b.at - a.at || 1));
    }
    return points.at(-1)?.vus ?? 0;
  };
  return runVus(
    {
      ...config,
      durationMs: points.at(-1)?.at ?? 0,
      maxVus: Math.max(...points.map((p) => p.vus)),
      vusAt,
    },
    ctx,
  );
}

/** How often an idle VU (above the active count) looks again. */
const IDLE_POLL_MS = 50;

/**
 * Closed model: each VU makes one call at a time. Its next call is due `thinkTimeMs` after the
 * previous one ended; a start later than that is the driver's own lag and is journaled as such.
 * A closed model slows down with its target (coordinated omission by design, as in k6): use an
 * arrival-rate executor to measure latency under a fixed load.
 *
 * A VU retries a failed call as its client would: it waits the backoff instead of thinking, and
 * sends the same arguments again on its own session (so a retry is never a second call in
 * flight), until an attempt succeeds, the attempts run out, the timeline ends or the run aborts.
 */
async function runVus(
  config: {
    maxVus: number;
    durationMs: number;
    vusAt: (offsetMs: number) => number;
    thinkTimeMs: number;
    callTimeoutMs: number;
    mix: ToolMix;
    retry?: RetryPolicy;
  },
  ctx: WorkloadContext,
): Promise<WorkloadSummary> {
  const clock = ctx.clock ?? realClock;
  const lag = new LagWindows(1000, (r) => ctx.append(r), { eventLoop: ctx.clock === undefined });
  const t0 = clock.now();
  const end = t0 + config.durationMs;
  const groups = ctx.sessions.length;
  const sequences: SequenceHash[] = [];
  let started = 0;
  let retried = 0;

  const vu = async (index: number) => {
    const group = index % groups;
    const session = ctx.sessions[group]?.[Math.floor(index / groups)];
    if (!session) return;
    // One seeded stream per VU: its calls do not depend on how the others were scheduled.
    const random = new Random(ctx.seed).fork(index);
    const sequence = new SequenceHash();
    sequences[index] = sequence;
    let due = t0;
    while (!ctx.signal?.aborted && clock.now() < end) {
      if (index >= config.vusAt(clock.now() - t0)) {
        await clock.sleep(IDLE_POLL_MS, ctx.signal);
        due = clock.now();
        continue;
      }
      await ctx.pressure?.();
      const actual = clock.now();
      lag.started(due, actual);
      const n = sequence.count;
      const plan = planCall(random, session.identity, ctx.dataset, config.mix, `${ctx.runId}-v${index}-${n}`);
      const argsDigest = digest(plan.args);
      sequence.add(`${plan.tool}:${sequenceDigestOf(plan.args, ctx.runId, argsDigest)}`);
      started++;
      const correlationId = `${ctx.runId}-v${index}-${n}`;
      const first = await makeCall(session, plan, ctx, clock, {
        correlationId,
        vu: index,
        intended: actual,
        actual,
        timeoutMs: config.callTimeoutMs,
        argsDigest,
      });
      let last = first;
      for (let attempt = 2; config.retry && retries(config.retry, last, attempt - 1); attempt++) {
        const retryAt = last.end + retryDelayMs(config.retry, attempt);
        if (retryAt >= end) break;
        await clock.sleep(retryAt - clock.now(), ctx.signal);
        if (ctx.signal?.aborted) break;
        await ctx.pressure?.();
        retried++;
        last = await makeCall(session, plan, ctx, clock, {
          correlationId: retryCorrelationId(correlationId, attempt),
          vu: index,
          intended: retryAt,
          actual: clock.now(),
          timeoutMs: config.callTimeoutMs,
          argsDigest,
          retry: { attempt, retryOf: correlationId },
        });
      }
      due = clock.now() + config.thinkTimeMs;
      // No think time means straight on: even a zero timer would cap each VU near 1,000 calls/s.
      if (config.thinkTimeMs > 0) await clock.sleep(config.thinkTimeMs, ctx.signal);
    }
  };

  await Promise.all(Array.from({ length: config.maxVus }, (_, i) => vu(i)));
  lag.close();
  return {
    scheduled: started,
    started,
    dropped: 0,
    ...(config.retry ? { retried, retriesDropped: 0 } : {}),
    sequenceDigest: digest(sequences.map((s) => s.digest())),
  };
}
