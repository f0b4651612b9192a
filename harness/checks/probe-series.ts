import type { JournalRecord, RecordOf } from '../journal/index.ts';

// What the probe-based checks (boundedConnections, boundedMemory, healthTruthful, metricsHonest)
// share: reading series keys back, and folding one gauge over a run in bounded memory.

/** A gauge reading at a time (epoch ms). */
export interface Sample {
  at: number;
  value: number;
}

/** 1700000000500 → "22:13:20.500Z": evidence names sample times as the journal has them. */
export function clock(at: number): string {
  const iso = new Date(at).toISOString();
  return iso.slice(iso.indexOf('T') + 1);
}

/** 2.25 → "2.3", 3 → "3": numbers in summaries, one decimal at most. */
export function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * A series key split back into its name and labels: the inverse of the journal's `seriesKey`
 * (`name{a="x",b="y"}`, values escaped as in Prometheus' text format).
 */
export function parseSeriesKey(key: string): { name: string; labels: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0 || !key.endsWith('}')) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  const body = key.slice(brace + 1, -1);
  for (const match of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    const [, label = '', raw = ''] = match;
    labels[label] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return { name: key.slice(0, brace), labels };
}

/** Which application_names in pg_stat_activity are the target's. */
export type ApplicationFilter = string | ((applicationName: string) => boolean);

/**
 * The harness's own connections (the postgres probe's `mcp-chaos-probe`, the faults'
 * `mcp-chaos-fault` and `mcp-chaos-exhaust`) are never the target's; every other client is, by
 * default, because in an environment the harness built nothing else talks to PostgreSQL while
 * the load runs. The reference server's is `mcp-reference-server/<BUILD_ID>`.
 */
export const notTheHarness = (applicationName: string): boolean => !applicationName.startsWith('mcp-chaos-');

/**
 * The target's client connections in one `postgres` probe sample: the sum of
 * `pg_connections{application_name="…"}` over the application names the filter accepts; with
 * `inUse`, of `pg_connections{application_name="…",state="…"}` over every state but `idle`.
 */
export function targetConnections(
  values: Readonly<Record<string, number>>,
  filter: ApplicationFilter,
  inUse = false,
): number {
  const accepts = typeof filter === 'string' ? (name: string) => name === filter : filter;
  let total = 0;
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith('pg_connections{')) continue;
    const { labels } = parseSeriesKey(key);
    if (labels.application_name === undefined || !accepts(labels.application_name)) continue;
    // The per-application totals and the per-state series count the same connections twice over.
    if (inUse ? labels.state !== undefined && labels.state !== 'idle' : labels.state === undefined)
      total += value;
  }
  return total;
}

/** The sum of every series of a family (`mcp_tool_calls_total{…}` over all labels), or undefined if none. */
export function familySum(values: Readonly<Record<string, number>>, family: string): number | undefined {
  let total: number | undefined;
  for (const [key, value] of Object.entries(values)) {
    if (key === family || key.startsWith(`${family}{`)) total = (total ?? 0) + value;
  }
  return total;
}

/** Samples of the first phase kept for its median: at 500 ms a phase of over 2 minutes. */
const BASELINE_CAP = 256;
/** Without phase records, the baseline is the run's first samples. */
const EARLY_SAMPLES = 10;
/** Points kept to show the shape of a run in evidence, however long it is. */
const SKETCH_CAP = 32;

/**
 * One gauge over a run in constant memory: the first phase's samples (capped) for a baseline
 * median, the last samples for the end, the peak, an exact least-squares fit (running sums), and
 * a sketch of at most SKETCH_CAP evenly strided points for evidence.
 */
export interface GaugeState {
  firstPhase: { start: number; end: number | undefined } | undefined;
  lastPhaseStart: number | undefined;
  baseline: number[];
  early: number[];
  /** Ring of the last `tailSize` samples; `tailNext` is where the next one goes. */
  tail: Sample[];
  tailNext: number;
  tailSize: number;
  samples: number;
  peak: Sample | undefined;
  first: Sample | undefined;
  last: Sample | undefined;
  /** Running sums for the fit, x in hours since the first sample (keeps the sums well scaled). */
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  sketch: Sample[];
  stride: number;
}

export function gaugeInit(tailSize: number): GaugeState {
  return {
    firstPhase: undefined,
    lastPhaseStart: undefined,
    baseline: [],
    early: [],
    tail: [],
    tailNext: 0,
    tailSize: Math.max(1, Math.floor(tailSize)),
    samples: 0,
    peak: undefined,
    first: undefined,
    last: undefined,
    sx: 0,
    sy: 0,
    sxx: 0,
    sxy: 0,
    sketch: [],
    stride: 1,
  };
}

/** Phase records place the baseline (the first phase) and the end (the last phase). */
export function gaugePhase(state: GaugeState, record: JournalRecord): void {
  if (record.type !== 'phase') return;
  if (record.event === 'start') {
    state.firstPhase ??= { start: record.at, end: undefined };
    state.lastPhaseStart = Math.max(state.lastPhaseStart ?? record.at, record.at);
  } else if (state.firstPhase && state.firstPhase.end === undefined) {
    state.firstPhase.end = record.at;
  }
}

export function gaugeAdd(state: GaugeState, at: number, value: number): void {
  const sample = { at, value };
  const phase = state.firstPhase;
  if (phase && at >= phase.start && (phase.end === undefined || at < phase.end)) {
    if (state.baseline.length < BASELINE_CAP) state.baseline.push(value);
  }
  if (state.early.length < EARLY_SAMPLES) state.early.push(value);
  if (state.tail.length < state.tailSize) state.tail.push(sample);
  else state.tail[state.tailNext] = sample;
  state.tailNext = (state.tailNext + 1) % state.tailSize;
  if (state.peak === undefined || value > state.peak.value) state.peak = sample;
  state.first ??= sample;
  state.last = sample;
  const x = (at - state.first.at) / 3_600_000;
  state.sx += x;
  state.sy += value;
  state.sxx += x * x;
  state.sxy += x * value;
  if (state.samples % state.stride === 0) {
    state.sketch.push(sample);
    if (state.sketch.length >= SKETCH_CAP) {
      state.sketch = state.sketch.filter((_, i) => i % 2 === 0);
      state.stride *= 2;
    }
  }
  state.samples++;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The first phase's median; without phase records (or samples in it), the first samples'. */
export function baselineOf(state: GaugeState): { median: number; samples: number } | undefined {
  const values = state.baseline.length > 0 ? state.baseline : state.early;
  const m = median(values);
  return m === undefined ? undefined : { median: m, samples: values.length };
}

/** The median of the last samples, those of the last phase when it has any; in time order. */
export function endOf(state: GaugeState): { median: number; samples: Sample[] } | undefined {
  const ring = [...state.tail].sort((a, b) => a.at - b.at);
  const start = state.lastPhaseStart;
  const inLast = start === undefined ? ring : ring.filter((s) => s.at >= start);
  const samples = inLast.length > 0 ? inLast : ring;
  const m = median(samples.map((s) => s.value));
  return m === undefined ? undefined : { median: m, samples };
}

/** The least-squares fit: slope per hour, and the fitted rise from the first sample to the last. */
export function trendOf(state: GaugeState): { perHour: number; rise: number; hours: number } | undefined {
  const n = state.samples;
  if (n < 3 || state.first === undefined || state.last === undefined) return undefined;
  const denominator = n * state.sxx - state.sx * state.sx;
  if (denominator <= 0) return undefined;
  const perHour = (n * state.sxy - state.sx * state.sy) / denominator;
  const hours = (state.last.at - state.first.at) / 3_600_000;
  return { perHour, rise: perHour * hours, hours };
}

/** Up to `n` points of the run, evenly spread, the last one included: the shape for evidence. */
export function shapeOf(state: GaugeState, n = 6): Sample[] {
  const points = [...state.sketch];
  if (state.last && points[points.length - 1] !== state.last) points.push(state.last);
  if (points.length <= n) return points;
  return Array.from(
    { length: n },
    (_, i) => points[Math.round((i * (points.length - 1)) / (n - 1))] as Sample,
  );
}

/** "1.5 h", "12 min", "40 s": a run's span. */
export function span(hours: number): string {
  const seconds = hours * 3600;
  if (seconds < 120) return `${num(Math.round(seconds * 10) / 10)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${num(Math.round(hours * 10) / 10)} h`;
}

/** The link between the target and PostgreSQL: faults there distort what the probes read. */
export const DB_LINK = 'target→postgres';

/**
 * The faults on the database link and a grace period after each heal. While a fault is on (and
 * for a while after), backends the pool already gave up linger in pg_stat_activity until
 * PostgreSQL or Toxiproxy lets them go: readings then are excused, not judged.
 */
export interface LinkExcuse {
  /** Injections not yet healed, by fault name. */
  active: Map<string, number>;
  graceUntil: number;
}

export function linkExcuseInit(): LinkExcuse {
  return { active: new Map(), graceUntil: Number.NEGATIVE_INFINITY };
}

/** Folds a fault record (other links are ignored). */
export function linkExcuseUpdate(state: LinkExcuse, record: RecordOf<'fault'>, graceMs: number): void {
  if (record.link !== DB_LINK) return;
  const active = state.active.get(record.fault) ?? 0;
  if (record.event === 'inject') state.active.set(record.fault, active + 1);
  if (record.event === 'heal' && active > 0) {
    state.active.set(record.fault, active - 1);
    state.graceUntil = Math.max(state.graceUntil, record.at + graceMs);
  }
}

/** Is a reading taken at `at` excused (a database-link fault on, or just healed)? */
export function linkExcused(state: LinkExcuse, at: number): boolean {
  return [...state.active.values()].some((n) => n > 0) || at <= state.graceUntil;
}
