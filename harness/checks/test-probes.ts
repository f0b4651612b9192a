// Builders for hand-built journals with probe samples (the probe-based checks' unit tests).

import type { RecordOf } from '../journal/index.ts';
import { seriesKey } from '../journal/index.ts';

/** The reference server's application_name with the default BUILD_ID. */
export const APP = 'mcp-reference-server/reference-dev';

export function probe(
  name: string,
  at: number,
  values?: Record<string, number>,
  ok = true,
): RecordOf<'probe'> {
  return { type: 'probe', name, at, ok, latencyMs: 5, ...(values ? { values } : {}) };
}

/**
 * A postgres probe sample as connectionValues() writes it: the target's `target` connections
 * (`inUse` of them active, the rest idle), the probe's own, and `others`.
 */
export function pg(
  at: number,
  target: number,
  others: Record<string, number> = {},
  inUse = 0,
): RecordOf<'probe'> {
  const values: Record<string, number> = { pg_max_connections: 100 };
  const apps = { [APP]: target, 'mcp-chaos-probe': 1, ...others };
  let all = 0;
  for (const [app, n] of Object.entries(apps)) {
    if (n === 0) continue;
    all += n;
    values[seriesKey('pg_connections', { application_name: app })] = n;
    const active = app === APP ? Math.min(inUse, n) : 0;
    if (n > active)
      values[seriesKey('pg_connections', { application_name: app, state: 'idle' })] = n - active;
    if (active > 0) values[seriesKey('pg_connections', { application_name: app, state: 'active' })] = active;
  }
  values.pg_connections = all;
  return probe('postgres', at, values);
}

export function phase(name: string, event: 'start' | 'end', at: number): RecordOf<'phase'> {
  return { type: 'phase', name, event, at };
}

/** Phases baseline [0, 10 s), fault [10 s, 20 s), recovery [20 s, 30 s). */
export function phases(): RecordOf<'phase'>[] {
  return [
    phase('baseline', 'start', 0),
    phase('baseline', 'end', 10_000),
    phase('fault', 'start', 10_000),
    phase('fault', 'end', 20_000),
    phase('recovery', 'start', 20_000),
    phase('recovery', 'end', 30_000),
  ];
}

/** `f(t)` sampled every `every` ms over [from, to). */
export function series<T>(from: number, to: number, every: number, f: (at: number) => T): T[] {
  const out: T[] = [];
  for (let at = from; at < to; at += every) out.push(f(at));
  return out;
}
