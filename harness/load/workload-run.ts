import { HarnessError } from '../errors.ts';
import { digest } from '../journal/digest.ts';
import { runArrivals, type WorkloadContext, type WorkloadSummary } from './executor.ts';
import { parseDuration, type RateProfile, rampingArrivals } from './schedule.ts';
import { runConstantVus, runRampingVus } from './vus.ts';
import { type Identity, runInWorkers } from './worker-pool.ts';
import { noisyProfile, type ResolvedWorkload } from './workload-plan.ts';

/** Where worker threads connect, when the workload has more than one. */
export interface WorkerTargets {
  mcpUrl: string;
  /** The main stream's identities, tokens included. */
  identities: Identity[];
}

/**
 * Runs the workload for the timeline: the main stream on `ctx.sessions` (or, with workers, on
 * sessions each worker thread connects to `workers.mcpUrl`), and the noisy user's stream, if
 * any, on `noisySessions` (one identity's). Resolves when both have ended.
 */
export async function runWorkload(
  workload: ResolvedWorkload,
  timelineMs: number,
  ctx: WorkloadContext,
  noisySessions?: WorkloadContext['sessions'][number],
  workers?: WorkerTargets,
): Promise<WorkloadSummary> {
  const { spec } = workload;
  const limits = {
    callTimeoutMs: workload.callTimeoutMs,
    mix: workload.mix,
    ...(workload.retry ? { retry: workload.retry } : {}),
  };
  let main: Promise<WorkloadSummary>;
  switch (spec.executor) {
    case 'constant-vus':
      main = runConstantVus(
        { ...limits, vus: spec.vus, durationMs: timelineMs, thinkTimeMs: parseDuration(spec.thinkTime ?? 0) },
        ctx,
      );
      break;
    case 'ramping-vus': {
      const stagesMs = spec.stages.reduce((sum, s) => sum + parseDuration(s.duration), 0);
      const hold = timelineMs - stagesMs;
      const last = spec.stages.at(-1)?.target ?? 0;
      main = runRampingVus(
        {
          ...limits,
          startVus: spec.startVus ?? 0,
          stages: hold > 0 ? [...spec.stages, { duration: hold, target: last }] : spec.stages,
          thinkTimeMs: parseDuration(spec.thinkTime ?? 0),
        },
        ctx,
      );
      break;
    }
    default: {
      const profile = workload.profile as RateProfile;
      if (workload.workers > 1) {
        if (!workers)
          throw new HarnessError(
            'INVALID_ARGUMENT',
            'a workload with workers needs their MCP URL and identities',
          );
        main = runInWorkers(
          {
            ...limits,
            workers: workload.workers,
            mcpUrl: workers.mcpUrl,
            identities: workers.identities,
            sessionsPerIdentity: workload.sessionsPerIdentity(workers.identities.length),
            client: workload.client,
            churn: workload.churn,
            profile,
            endMs: timelineMs,
            maxInFlightPerIdentity: spec.maxInFlightPerIdentity ?? 32,
          },
          ctx,
        );
        break;
      }
      main = runArrivals(
        {
          ...limits,
          maxInFlightPerIdentity: spec.maxInFlightPerIdentity ?? 32,
          arrivals: arrivalsOf(profile),
          endMs: timelineMs,
        },
        ctx,
      );
    }
  }
  const noisySpec = 'noisy' in spec ? spec.noisy : undefined;
  const noisy =
    noisySpec && noisySessions && noisySessions.length > 0
      ? runArrivals(
          {
            ...limits,
            maxInFlightPerIdentity: noisySpec.maxInFlight ?? noisySessions.length,
            arrivals: arrivalsOf(noisyProfile(noisySpec, timelineMs)),
            endMs: timelineMs,
          },
          {
            ...ctx,
            sessions: [noisySessions],
            stream: 'noisy',
            // After every VU number of the main stream, wherever its threads are.
            vuBase:
              workload.workers > 1 && workers
                ? workload.workers * workers.identities.length
                : ctx.sessions.length,
            seed: ctx.seed + 1,
          },
        )
      : undefined;
  const [a, b] = await Promise.all([main, noisy]);
  if (!b) return a;
  return {
    scheduled: a.scheduled + b.scheduled,
    started: a.started + b.started,
    dropped: a.dropped + b.dropped,
    ...(a.retried !== undefined || b.retried !== undefined
      ? {
          retried: (a.retried ?? 0) + (b.retried ?? 0),
          retriesDropped: (a.retriesDropped ?? 0) + (b.retriesDropped ?? 0),
        }
      : {}),
    sequenceDigest: digest([a.sequenceDigest, b.sequenceDigest]),
  };
}

function arrivalsOf(profile: RateProfile): Iterable<number> {
  return rampingArrivals(profile.startRate, profile.stages);
}
