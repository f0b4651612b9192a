import type { ProbeRecord } from '../journal/index.ts';
import { now as wallNow } from '../load/index.ts';
import type { Probe, ProbeReading } from './probe.ts';

/** Running probes: `stop()` ends sampling, waits for samples in flight and closes connections. */
export interface RunningProbes extends AsyncDisposable {
  /** Resolves once every sample in flight is journaled; rejects if journaling one failed. */
  stop(): Promise<void>;
}

const MAX_DETAIL = 500;

/**
 * Samples every probe on one interval grid (start, start + interval, …). Each probe runs on its
 * own, so a slow one never delays the others; a probe still busy when a tick comes skips that
 * tick instead of stacking samples behind itself (its record then comes late, and the gap in
 * its `at` times shows it). A tick the event loop missed altogether is skipped, not caught up.
 */
export function startSampler(
  probes: readonly Probe[],
  append: (record: ProbeRecord) => void,
  intervalMs: number,
  now: () => number = wallNow,
): RunningProbes {
  const inFlight = new Map<Probe, Promise<void>>();
  const start = now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let appendError: unknown;

  const sample = async (probe: Probe): Promise<void> => {
    const at = now();
    let reading: ProbeReading;
    let ok: boolean;
    try {
      reading = await probe.read();
      ok = reading.ok ?? true;
    } catch (error) {
      reading = { detail: error instanceof Error ? error.message : String(error) };
      ok = false;
    }
    const record: ProbeRecord = { type: 'probe', name: probe.name, at, ok, latencyMs: now() - at };
    if (reading.detail) record.detail = reading.detail.slice(0, MAX_DETAIL);
    const values = finite(reading.values);
    if (values) record.values = values;
    if (reading.proxies) record.proxies = reading.proxies;
    try {
      append(record);
    } catch (error) {
      // The journal refused it (closed, invalid): stop() reports it, sampling goes on meanwhile.
      appendError ??= error;
    }
  };

  const tick = (): void => {
    if (stopped) return;
    for (const probe of probes) {
      if (inFlight.has(probe)) continue;
      inFlight.set(
        probe,
        sample(probe).finally(() => inFlight.delete(probe)),
      );
    }
    const elapsed = now() - start;
    const next = (Math.floor(elapsed / intervalMs) + 1) * intervalMs;
    timer = setTimeout(tick, next - elapsed);
    // A caller that never stops the probes must not keep the process alive through this timer.
    timer.unref();
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    clearTimeout(timer);
    await Promise.all(inFlight.values());
    await Promise.allSettled(probes.map((probe) => probe.close?.()));
    if (appendError !== undefined) throw appendError;
  };

  tick();
  return {
    stop() {
      stopping ??= stop();
      return stopping;
    },
    async [Symbol.asyncDispose]() {
      await this.stop();
    },
  };
}

/** The finite values only (JSON has no NaN or Infinity), or undefined if none is left. */
function finite(values: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!values) return undefined;
  const kept = Object.entries(values).filter(([, value]) => Number.isFinite(value));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}
