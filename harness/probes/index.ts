/**
 * Probes: what the harness samples from the side while load runs — the target's /readyz and
 * /metrics, PostgreSQL's connections by application_name, the target's memory and CPU,
 * Toxiproxy's proxies and, where there is one, the router's instances — each sample journaled as
 * a `probe` record.
 *
 *   const probes = startProbes(env, append, { intervalMs: 500 });
 *   …
 *   await probes.stop();
 */
import { HarnessError } from '../errors.ts';
import type { JournalRecord } from '../journal/index.ts';
import { now } from '../load/index.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { DEFAULT_METRICS, metricsProbe } from './metrics.ts';
import { PostgresProbe } from './postgres.ts';
import { PROBE_NAMES, type Probe, type ProbeName } from './probe.ts';
import { processProbe } from './process.ts';
import { readyzProbe } from './readyz.ts';
import { routerProbe } from './router.ts';
import { type RunningProbes, startSampler } from './sampler.ts';
import { toxiproxyProbe } from './toxiproxy.ts';

export { type ProbeRecord, type ProxyState, seriesKey } from '../journal/index.ts';
export { DEFAULT_METRICS, selectSeries } from './metrics.ts';
export { connectionValues, PROBE_APPLICATION_NAME } from './postgres.ts';
export { PROBE_NAMES, type Probe, type ProbeName, type ProbeReading } from './probe.ts';
export { cpuPercent } from './process.ts';
export { type MetricFamily, type MetricSample, type MetricType, parsePrometheusText } from './prometheus.ts';
export type { RunningProbes } from './sampler.ts';

export interface ProbesOptions {
  /** Time between samples of each probe. Default 1000 ms; at least 50. */
  intervalMs?: number;
  /** Which probes run. Default: all of them. */
  probes?: readonly ProbeName[];
  /** Metric families (or sample names) the `metrics` probe journals, or 'all'. Default DEFAULT_METRICS. */
  metrics?: readonly string[] | 'all';
  /** Budget of one HTTP request or query of a probe. Default 2000 ms. */
  timeoutMs?: number;
}

/**
 * Starts sampling `env` until `stop()`; every sample is appended as a `probe` record, also when
 * its subject is down (`ok: false` and why): a probe never throws into the run. Each probe runs
 * on its own, so a slow one delays no other, and one still busy at a tick skips it.
 * PostgreSQL is read directly (not through the `target→postgres` link) with its own
 * application_name, `mcp-chaos-probe`.
 */
export function startProbes(
  env: StartedEnvironment,
  append: (record: JournalRecord) => void,
  options: ProbesOptions = {},
): RunningProbes {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!Number.isFinite(intervalMs) || intervalMs < 50) {
    throw new HarnessError('INVALID_ARGUMENT', `probes: intervalMs must be a number ≥ 50, not ${intervalMs}`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `probes: timeoutMs must be a positive number, not ${timeoutMs}`,
    );
  }
  const names = options.probes ?? PROBE_NAMES;
  const unknown = names.filter((name) => !(PROBE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `probes: unknown probe(s) ${unknown.join(', ')}; the probes are ${PROBE_NAMES.join(', ')}`,
    );
  }
  const factories: Record<ProbeName, () => Probe> = {
    readyz: () => readyzProbe(env.admin),
    metrics: () => metricsProbe(env.admin, options.metrics ?? DEFAULT_METRICS, timeoutMs),
    postgres: () => new PostgresProbe(() => env.postgresUrl, timeoutMs),
    // The oldest running instance at each sample: a deploy replaces the first one.
    process: () => processProbe(() => env.target, now),
    toxiproxy: () => toxiproxyProbe(env.links),
    router: () => routerProbe(() => env.router?.counts() ?? []),
  };
  const probes = [...new Set(names)]
    .filter((name) => name !== 'router' || env.router !== undefined)
    .map((name) => factories[name]());
  return startSampler(probes, append, intervalMs);
}
