import type { ProxyState } from '../journal/index.ts';

/** `router` samples only where the environment has a router (several instances, a deploy). */
export const PROBE_NAMES = ['readyz', 'metrics', 'postgres', 'process', 'toxiproxy', 'router'] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

/** What one sample read. Becomes a `probe` record with the sample's time, latency and name. */
export interface ProbeReading {
  /** false when the subject answered but said it is unwell (/readyz 503). Default true. */
  ok?: boolean;
  detail?: string;
  /** Keyed by `seriesKey()`; non-finite numbers are dropped before journaling. */
  values?: Record<string, number>;
  proxies?: ProxyState[];
}

/**
 * One thing sampled on the probes' interval. `read()` throws when its subject cannot be read
 * (the sampler journals that as `ok: false` with the error's message); it must bound its own
 * time, because `stop()` waits for a sample in flight.
 */
export interface Probe {
  readonly name: string;
  read(): Promise<ProbeReading>;
  /** Releases what the probe holds between samples (a database connection). */
  close?(): Promise<void>;
}
