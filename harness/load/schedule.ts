import { HarnessError } from '../errors.ts';

/** k6 durations: `500ms`, `10s`, `2m`, `1h`, or a number of milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(value);
    if (match) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
      return Number(match[1]) * unit;
    }
  }
  throw new HarnessError(
    'INVALID_SCENARIO',
    `duration ${JSON.stringify(value)} is not one k6 understands: write it as 500ms, 10s, 2m or 1h`,
  );
}

/** One k6 stage: move the rate (calls/s) linearly to `target` over `duration`. */
export interface Stage {
  duration: string | number;
  target: number;
}

/**
 * Intended start offsets (ms from the executor's start) for an arrival rate that moves through
 * `stages` linearly, as k6's ramping-arrival-rate does. The n-th call is due when the integral
 * of the rate reaches n, so the schedule is exact however long a stage is.
 */
export function* rampingArrivals(startRate: number, stages: readonly Stage[]): Generator<number> {
  let offsetMs = 0;
  let rate = startRate;
  let due = 0; // calls due so far, fractional
  let next = 0; // index of the next call
  for (const stage of stages) {
    const durationMs = parseDuration(stage.duration);
    const seconds = durationMs / 1000;
    const slope = seconds > 0 ? (stage.target - rate) / seconds : 0; // calls/s per s
    const stageCalls = (seconds * (rate + stage.target)) / 2;
    while (next < due + stageCalls) {
      const n = next - due; // calls into this stage
      // Solve rate·t + slope·t²/2 = n for t in [0, seconds].
      const t =
        Math.abs(slope) < 1e-12
          ? n / rate
          : (-rate + Math.sqrt(Math.max(0, rate * rate + 2 * slope * n))) / slope;
      yield offsetMs + t * 1000;
      next++;
    }
    due += stageCalls;
    offsetMs += durationMs;
    rate = stage.target;
  }
}

/** Intended start offsets of a constant arrival rate. */
export function* constantArrivals(rate: number, durationMs: number): Generator<number> {
  const intervalMs = 1000 / rate;
  for (let i = 0; i * intervalMs < durationMs; i++) yield i * intervalMs;
}

/** An arrival rate over time: a start rate and k6 stages (a zero-length stage is a jump). */
export interface RateProfile {
  startRate: number;
  stages: Stage[];
}

/** Multiply the arrival rate by `multiplier` from `atMs` for `durationMs` (a traffic spike). */
export interface Spike {
  atMs: number;
  durationMs: number;
  multiplier: number;
}

/** The profile's length in ms. */
export function profileMs(profile: RateProfile): number {
  return profile.stages.reduce((sum, stage) => sum + parseDuration(stage.duration), 0);
}

/** The profile's highest rate (calls/s), spikes included once applied. */
export function peakRate(profile: RateProfile): number {
  return Math.max(profile.startRate, ...profile.stages.map((s) => s.target));
}

/**
 * The profile with spikes applied: the rate is multiplied inside each spike's window (spikes
 * that overlap multiply together), with jumps at the window's edges, so that rampingArrivals
 * schedules the spike exactly however the base rate moves underneath.
 */
export function withSpikes(profile: RateProfile, spikes: readonly Spike[]): RateProfile {
  if (spikes.length === 0) return profile;
  // The base rate as linear segments; zero-length stages are jumps between them.
  const segments: { from: number; to: number; rFrom: number; rTo: number }[] = [];
  let at = 0;
  let rate = profile.startRate;
  for (const stage of profile.stages) {
    const duration = parseDuration(stage.duration);
    if (duration > 0) segments.push({ from: at, to: at + duration, rFrom: rate, rTo: stage.target });
    at += duration;
    rate = stage.target;
  }
  const edges = new Set<number>();
  for (const spike of spikes) {
    edges.add(spike.atMs);
    edges.add(spike.atMs + spike.durationMs);
  }
  const multiplierAt = (t: number) =>
    spikes.reduce((m, s) => (t >= s.atMs && t < s.atMs + s.durationMs ? m * s.multiplier : m), 1);
  const stages: Stage[] = [];
  let current = profile.startRate * multiplierAt(0);
  const startRate = current;
  for (const segment of segments) {
    const cuts = [
      segment.from,
      ...[...edges].filter((e) => e > segment.from && e < segment.to).sort((a, b) => a - b),
      segment.to,
    ];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const [from, to] = [cuts[i] as number, cuts[i + 1] as number];
      const base = (t: number) =>
        segment.rFrom + ((segment.rTo - segment.rFrom) * (t - segment.from)) / (segment.to - segment.from);
      const m = multiplierAt(from);
      const rFrom = base(from) * m;
      if (Math.abs(rFrom - current) > 1e-9) stages.push({ duration: 0, target: rFrom });
      current = base(to) * m;
      stages.push({ duration: to - from, target: current });
    }
  }
  return { startRate, stages };
}
