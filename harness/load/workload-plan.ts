import type { Dataset } from '../dataset/generate.ts';
import { HarnessError } from '../errors.ts';
import { digest } from '../journal/digest.ts';
import type { IdentityClaims } from '../journal/records.ts';
import type { McpClientKind } from './mcp-session.ts';
import { ArrivalPlanner } from './planner.ts';
import { type RetryPolicy, resolveRetry } from './retry.ts';
import {
  parseDuration,
  peakRate,
  profileMs,
  type RateProfile,
  rampingArrivals,
  type Spike,
  withSpikes,
} from './schedule.ts';
import { DEFAULT_MIX, type ToolMix } from './workload.ts';
import { type Role, type WorkloadSpec, workloadIssues } from './workload-spec.ts';

export interface ResolvedWorkload {
  spec: WorkloadSpec;
  mix: ToolMix;
  callTimeoutMs: number;
  client: McpClientKind;
  /** Every call opens a new session and abandons the previous one (see CommonWorkload.churnSessions). */
  churn: boolean;
  roles: Role[];
  /** Sessions per identity of the main stream: the in-flight cap (open model) or the VUs per identity. */
  sessionsPerIdentity(identities: number): number;
  /** The arrival profile of the main stream (open models only), spikes applied. */
  profile?: RateProfile;
  /** The highest arrival rate the workload asks for, noisy user included (open models). */
  peakRate?: number;
  /** Threads for the main stream (open models; 1 means the calling thread). */
  workers: number;
  /** How the clients retry failed calls, if they do. */
  retry?: RetryPolicy;
}

/** Fills in defaults and turns durations into milliseconds for a timeline of `timelineMs`. */
export function resolveWorkload(spec: WorkloadSpec, timelineMs: number): ResolvedWorkload {
  const issues = workloadIssues(spec, timelineMs);
  if (issues.length > 0) {
    throw new HarnessError(
      'INVALID_SCENARIO',
      `workload is invalid:\n${issues.map((i) => `  - ${i}`).join('\n')}`,
    );
  }
  const base = {
    spec,
    mix: spec.mix ?? DEFAULT_MIX,
    callTimeoutMs: parseDuration(spec.callTimeout ?? '15s'),
    client: spec.client ?? 'http',
    churn: spec.churnSessions ?? false,
    roles: spec.roles ?? ['agent'],
    workers: 1,
    retry: resolveRetry(spec.retry),
  };
  switch (spec.executor) {
    case undefined:
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const profile = withSpikes(
        holdToEnd(
          spec.executor === 'ramping-arrival-rate'
            ? { startRate: spec.startRate ?? 0, stages: spec.stages }
            : { startRate: spec.rate, stages: [{ duration: timelineMs, target: spec.rate }] },
          timelineMs,
        ),
        (spec.spikes ?? []).map(
          (s): Spike => ({
            atMs: parseDuration(s.at),
            durationMs: parseDuration(s.duration),
            multiplier: s.multiplier,
          }),
        ),
      );
      const perIdentity = spec.maxInFlightPerIdentity ?? 32;
      return {
        ...base,
        profile,
        peakRate: peakRate(profile) + (spec.noisy?.rate ?? 0),
        workers: spec.workers ?? 1,
        sessionsPerIdentity: () => perIdentity,
      };
    }
    case 'constant-vus':
      return { ...base, sessionsPerIdentity: (n) => Math.ceil(spec.vus / Math.max(1, n)) };
    case 'ramping-vus': {
      const most = Math.max(spec.startVus ?? 0, ...spec.stages.map((s) => s.target));
      return { ...base, sessionsPerIdentity: (n) => Math.ceil(most / Math.max(1, n)) };
    }
  }
}

function holdToEnd(profile: RateProfile, timelineMs: number): RateProfile {
  const rest = timelineMs - profileMs(profile);
  if (rest <= 0) return profile;
  const last = profile.stages.at(-1)?.target ?? profile.startRate;
  return { ...profile, stages: [...profile.stages, { duration: rest, target: last }] };
}

/**
 * The noisy user's arrival profile over a timeline of `timelineMs`: its rate inside its window
 * (`at` for `duration`, by default the whole timeline), nothing outside it.
 */
export function noisyProfile(
  noisy: { rate: number; at?: string | number; duration?: string | number },
  timelineMs: number,
): RateProfile {
  const at = parseDuration(noisy.at ?? 0);
  const end = Math.min(
    timelineMs,
    noisy.duration === undefined ? timelineMs : at + parseDuration(noisy.duration),
  );
  if (at <= 0) {
    const stages = [{ duration: end, target: noisy.rate }];
    if (end < timelineMs) stages.push({ duration: 0, target: 0 }, { duration: timelineMs - end, target: 0 });
    return { startRate: noisy.rate, stages };
  }
  // Zero-length stages are jumps: silent until `at`, flooding until `end`, silent again.
  const stages = [
    { duration: at, target: 0 },
    { duration: 0, target: noisy.rate },
    { duration: end - at, target: noisy.rate },
  ];
  if (end < timelineMs) stages.push({ duration: 0, target: 0 }, { duration: timelineMs - end, target: 0 });
  return { startRate: 0, stages };
}

/**
 * The digest of the call sequence an open-model workload will plan, computed before it runs by
 * going through the same planner without making a call: what the journal header records, equal
 * to the run's own digest when the run completes (an aborted run plans fewer). Undefined for the
 * closed models, whose sequence depends on how many calls each VU gets to make. Client retries
 * are not in it: they depend on the target's answers, not on the seed alone.
 */
export function plannedSequenceDigest(
  workload: ResolvedWorkload,
  plan: {
    seed: number;
    runId: string;
    dataset: Dataset;
    identities: readonly IdentityClaims[];
    noisy?: IdentityClaims;
  },
): string | undefined {
  const profile = workload.profile;
  if (!profile) return undefined;
  const stream = (seed: number, prefix: string, identities: readonly IdentityClaims[], p: RateProfile) => {
    const planner = new ArrivalPlanner({
      seed,
      runId: plan.runId,
      prefix,
      identities,
      dataset: plan.dataset,
      mix: workload.mix,
    });
    for (const _ of rampingArrivals(p.startRate, p.stages)) planner.next();
    return planner.digest();
  };
  let main: string;
  if (workload.workers > 1) {
    const n = workload.workers;
    const share: RateProfile = {
      startRate: profile.startRate / n,
      stages: profile.stages.map((s) => ({ ...s, target: s.target / n })),
    };
    main = digest(
      Array.from({ length: n }, (_, i) =>
        stream(plan.seed + i * 7919, `${plan.runId}-w${i}`, plan.identities, share),
      ),
    );
  } else {
    main = stream(plan.seed, plan.runId, plan.identities, profile);
  }
  const noisy = 'noisy' in workload.spec ? workload.spec.noisy : undefined;
  if (!noisy || !plan.noisy) return main;
  const noisyDigest = stream(
    plan.seed + 1,
    `${plan.runId}-noisy`,
    [plan.noisy],
    noisyProfile(noisy, profileMs(profile)),
  );
  return digest([main, noisyDigest]);
}
