import { HarnessError } from '../errors.ts';
import { parseDuration, type Stage, type WorkloadSpec } from '../load/index.ts';
import type { ScenarioDefinition } from './define.ts';

export const PROFILE_NAMES = ['quick', 'nightly', 'soak'] as const;
/** How long and how hard: `quick` on every commit, `nightly` longer and harder, `soak` for hours. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface ProfileScale {
  /** Phase lengths (and the workload's stages and spikes with them) are multiplied by this. */
  time: number;
  /** Arrival rates, VU counts and in-flight caps are multiplied by this. */
  load: number;
}

/**
 * A scenario is written at its `quick` size. `nightly` plays each phase four times as long at
 * twice the load; `soak` stretches every phase 150 times at the same load (a 25 s quick
 * scenario soaks for about an hour), so slow leaks show as trends. A fault's own timing
 * (`afterMs`, `forMs`) is not scaled: an outage is as long as the scenario says; the phases
 * around it are what grow.
 */
export const PROFILES: Readonly<Record<ProfileName, ProfileScale>> = {
  quick: { time: 1, load: 1 },
  nightly: { time: 4, load: 2 },
  soak: { time: 150, load: 1 },
};

export function parseProfile(value: string | undefined, where: string): ProfileName {
  const name = value ?? 'quick';
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `${where}${name} is not a profile: use ${PROFILE_NAMES.join(', ')}`,
    );
  }
  return name as ProfileName;
}

const scaleDuration = (value: string | number, factor: number): number =>
  Math.round(parseDuration(value) * factor);

function scaleWorkload(workload: WorkloadSpec, { time, load }: ProfileScale): WorkloadSpec {
  // Loosely typed on purpose: each executor has its own subset of these fields.
  const w = { ...workload } as Record<string, unknown>;
  const num = (key: string, f: (n: number) => number, into = w) => {
    if (typeof into[key] === 'number') into[key] = f(into[key] as number);
  };
  const byLoad = (n: number) => n * load;
  const byLoadWhole = (n: number) => Math.ceil(n * load);
  const inFlight = (n: number) => Math.min(1000, Math.ceil(n * load));
  const closed = w.executor === 'constant-vus' || w.executor === 'ramping-vus';
  num('rate', byLoad);
  num('startRate', byLoad);
  num('vus', byLoadWhole);
  num('startVus', byLoadWhole);
  num('maxInFlightPerIdentity', inFlight);
  if (Array.isArray(w.stages)) {
    w.stages = (w.stages as Stage[]).map((s) => ({
      duration: scaleDuration(s.duration, time),
      target: closed ? byLoadWhole(s.target) : byLoad(s.target),
    }));
  }
  if (Array.isArray(w.spikes)) {
    w.spikes = (w.spikes as { at: string | number; duration: string | number; multiplier: number }[]).map(
      (s) => ({
        ...s,
        at: scaleDuration(s.at, time),
        duration: scaleDuration(s.duration, time),
      }),
    );
  }
  if (w.noisy && typeof w.noisy === 'object') {
    const noisy = { ...(w.noisy as Record<string, unknown>) };
    num('rate', byLoad, noisy);
    num('maxInFlight', inFlight, noisy);
    for (const key of ['at', 'duration']) {
      const v = noisy[key];
      if (typeof v === 'string' || typeof v === 'number') noisy[key] = scaleDuration(v, time);
    }
    w.noisy = noisy;
  }
  return w as unknown as WorkloadSpec;
}

/**
 * The scenario as the profile plays it: phases stretched, load scaled. `quick` returns it as
 * written. A scenario may override a profile's scale (`profiles: { soak: { load: 0.5 } }`).
 */
export function applyProfile(definition: ScenarioDefinition, profile: ProfileName): ScenarioDefinition {
  const scale = { ...PROFILES[profile], ...definition.profiles?.[profile] };
  if (scale.time === 1 && scale.load === 1) return definition;
  return {
    ...definition,
    workload: scaleWorkload(definition.workload, scale),
    timeline: definition.timeline.map((phase) => ({
      ...phase,
      durationMs: Math.round(phase.durationMs * scale.time),
    })),
  };
}
