import type { ProbeSeries, RunReport, ScenarioReport } from '../schema.ts';

/**
 * What the page's client script draws, prepared here so that it is plain data (unit-tested) and
 * the script in the browser only maps it onto uPlot. Every x value is in seconds from the
 * scenario's start, the one axis all of a scenario's charts share.
 */
export type Unit = 'ms' | 'perSecond' | 'bytes' | 'count' | 'up' | 'value';

export interface Chart {
  id: string;
  title: string;
  unit: Unit;
  /** Seconds from the scenario's start, ascending. */
  x: number[];
  /** One entry per line, each aligned with x (null where the series has no point at that x). */
  series: { label: string; values: (number | null)[] }[];
}

/** A shaded span on every chart: a fault from inject to heal (to the end when it was never healed). */
export interface FaultWindow {
  fault: string;
  fromMs: number;
  toMs: number;
  healed: boolean;
}

export interface Span {
  label: string;
  fromMs: number;
  toMs: number;
}

export interface ScenarioView {
  anchor: string;
  scenario: string;
  durationMs: number;
  faults: FaultWindow[];
  exposure: (Span & { kind: 'failures' | 'deploy' })[];
  phases: Span[];
  /** Latency, throughput and the main probe charts, drawn when the page loads. */
  charts: Chart[];
  /** Every other probe series, grouped by metric, drawn when their section is opened. */
  more: Chart[];
}

export interface PageData {
  scenarios: ScenarioView[];
}

/** The main probe charts, in this order: each gathers the series whose key passes its test. */
const MAIN_PROBES: { id: string; title: string; unit: Unit; match: (key: string) => boolean }[] = [
  {
    id: 'readiness',
    title: 'Readiness (/readyz: 1 ready, 0 not)',
    unit: 'up',
    match: (k) => k.startsWith('readyz:'),
  },
  {
    id: 'pool',
    title: 'Database pool connections',
    unit: 'count',
    match: (k) => k.startsWith('metrics:db_pool_'),
  },
  {
    id: 'postgres',
    title: 'PostgreSQL connections',
    unit: 'count',
    match: (k) => k === 'postgres:pg_connections' || k === 'postgres:pg_max_connections',
  },
  {
    id: 'rss',
    title: 'Resident memory (RSS)',
    unit: 'bytes',
    match: (k) => k === 'process:rss_bytes' || k === 'metrics:process_resident_memory_bytes',
  },
  { id: 'lag', title: 'Load driver lag (max per bucket)', unit: 'ms', match: (k) => k === 'driver:lagMaxMs' },
];

export function pageData(report: RunReport): PageData {
  return { scenarios: report.scenarios.map((s, i) => scenarioView(s, i)) };
}

/** The id of a scenario's section (scenario names are free text: the index keeps it unique). */
export function scenarioAnchor(scenario: string, index: number): string {
  return `s${index}-${scenario.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

export function scenarioView(s: ScenarioReport, index: number): ScenarioView {
  const anchor = scenarioAnchor(s.scenario, index);
  // At least a second: an empty axis (a run cut short at once) would give uPlot a zero-width scale.
  const durationMs = Math.max(
    1000,
    s.durationMs,
    ...s.timeline.buckets.map((b) => b.at + s.timeline.bucketMs),
  );
  const { main, more } = probeCharts(s.probes, anchor);
  return {
    anchor,
    scenario: s.scenario,
    durationMs,
    faults: faultWindows(s, durationMs),
    exposure: s.exposure.map((e) => ({
      kind: e.kind,
      label: e.kind === 'deploy' ? (e.detail ?? 'deploy exposure') : `${e.calls} failed calls`,
      fromMs: e.fromOffsetMs,
      toMs: e.toOffsetMs,
    })),
    phases: s.phases.flatMap((p) =>
      p.startedAt === null
        ? []
        : [
            {
              label: p.name,
              fromMs: p.startedAt - s.startedAt,
              toMs: (p.endedAt ?? s.endedAt) - s.startedAt,
            },
          ],
    ),
    charts: [...callCharts(s, anchor), ...main],
    more,
  };
}

/** Faults that were injected, in inject order; one never healed runs to the scenario's end. */
export function faultWindows(s: ScenarioReport, durationMs: number): FaultWindow[] {
  return s.faults
    .flatMap((f) =>
      f.injectedOffsetMs === null
        ? []
        : [
            {
              fault: f.fault,
              fromMs: f.injectedOffsetMs,
              toMs: f.healedOffsetMs ?? durationMs,
              healed: f.healedOffsetMs !== null,
            },
          ],
    )
    .sort((a, b) => a.fromMs - b.fromMs);
}

/** Latency percentiles and calls per second by outcome class, one point per timeline bucket. */
export function callCharts(s: ScenarioReport, anchor: string): Chart[] {
  const { bucketMs, buckets } = s.timeline;
  const x = buckets.map((b) => b.at / 1000);
  const perSecond = (n: number) => n / (bucketMs / 1000);
  return [
    {
      id: `${anchor}-latency`,
      title: `Latency per ${bucketMs / 1000} s bucket (intended start to end)`,
      unit: 'ms',
      x,
      series: [
        { label: 'p50', values: buckets.map((b) => b.p50) },
        { label: 'p95', values: buckets.map((b) => b.p95) },
        { label: 'p99', values: buckets.map((b) => b.p99) },
      ],
    },
    {
      id: `${anchor}-throughput`,
      title: 'Calls per second by outcome',
      unit: 'perSecond',
      x,
      series: [
        { label: 'ok', values: buckets.map((b) => perSecond(b.ok)) },
        { label: 'error (tool error)', values: buckets.map((b) => perSecond(b.error)) },
        { label: 'failed', values: buckets.map((b) => perSecond(b.failed)) },
      ],
    },
  ];
}

/** The metric a series belongs to: its key without Prometheus labels. */
export function metricOf(key: string): string {
  const brace = key.indexOf('{');
  return brace === -1 ? key : key.slice(0, brace);
}

/**
 * Probe series split into the main charts (readiness, pool, PostgreSQL connections, RSS, driver
 * lag: those that exist) and the rest, one chart per metric (so a router's per-instance series
 * share one chart), both in a stable order.
 */
export function probeCharts(
  probes: readonly ProbeSeries[],
  anchor: string,
): { main: Chart[]; more: Chart[] } {
  const used = new Set<string>();
  const main: Chart[] = [];
  for (const group of MAIN_PROBES) {
    const members = probes.filter((p) => group.match(p.key));
    if (members.length === 0) continue;
    for (const p of members) used.add(p.key);
    main.push(aligned(`${anchor}-${group.id}`, group.title, group.unit, members, (p) => p.key));
  }
  const byMetric = new Map<string, ProbeSeries[]>();
  for (const p of probes) {
    if (used.has(p.key)) continue;
    const metric = metricOf(p.key);
    byMetric.set(metric, [...(byMetric.get(metric) ?? []), p]);
  }
  const more = [...byMetric.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([metric, members], i) =>
      aligned(`${anchor}-more${i}`, metric, unitOf(metric), members, (p) =>
        p.key === metric ? metric : p.key.slice(metric.length),
      ),
    );
  return { main, more };
}

function unitOf(metric: string): Unit {
  if (metric.endsWith('_bytes')) return 'bytes';
  if (metric.endsWith('Ms')) return 'ms';
  return 'value';
}

/** Series sampled at different times on one x axis: the union of their offsets, null where one has none. */
export function aligned(
  id: string,
  title: string,
  unit: Unit,
  members: readonly ProbeSeries[],
  label: (p: ProbeSeries) => string,
): Chart {
  const offsets = [...new Set(members.flatMap((p) => p.points.map(([at]) => at)))].sort((a, b) => a - b);
  const index = new Map(offsets.map((at, i) => [at, i]));
  const series = members.map((p) => {
    const values: (number | null)[] = offsets.map(() => null);
    for (const [at, value] of p.points)
      values[index.get(at) as number] = Number.isFinite(value) ? value : null;
    return { label: label(p), values };
  });
  return { id, title, unit, x: offsets.map((at) => at / 1000), series };
}

/**
 * JSON for a `<script type="application/json">` element: every `<` escaped (valid JSON, same
 * value), so no string in the report (a correlation id, a message) can close the element.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
