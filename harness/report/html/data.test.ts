import { describe, expect, it } from 'vitest';
import type { ProbeSeries, ScenarioReport } from '../schema.ts';
import { scenario, verdict } from '../test-run.ts';
import { aligned, embedJson, faultWindows, metricOf, probeCharts, scenarioView } from './data.ts';

const base = scenario('database-restart', [verdict('noHangs', 'pass')]);
const fault = (name: string, from: number | null, to: number | null): ScenarioReport['faults'][number] => ({
  fault: name,
  injectedAt: from === null ? null : base.startedAt + from,
  healedAt: to === null ? null : base.startedAt + to,
  injectedOffsetMs: from,
  healedOffsetMs: to,
  errors: [],
});
const probe = (key: string, points: [number, number][]): ProbeSeries => {
  const [probeName = '', ...rest] = key.split(':');
  return { key, probe: probeName, series: rest.join(':'), points };
};

describe('faultWindows', () => {
  it('spans inject to heal in inject order; a fault never healed runs to the end; one never injected is left out', () => {
    const s = {
      ...base,
      faults: [fault('restart(postgres)', 900, 1500), fault('latency', 200, null), fault('x', null, null)],
    };
    expect(faultWindows(s, 2000)).toEqual([
      { fault: 'latency', fromMs: 200, toMs: 2000, healed: false },
      { fault: 'restart(postgres)', fromMs: 900, toMs: 1500, healed: true },
    ]);
  });
});

describe('scenarioView', () => {
  it('puts phases on the scenario axis and reaches at least the end of the last bucket', () => {
    const view = scenarioView(base, 3);
    expect(view.anchor).toBe('s3-database-restart');
    expect(view.phases).toEqual([{ label: 'baseline', fromMs: 0, toMs: 2000 }]);
    const last = base.timeline.buckets.at(-1)?.at ?? 0;
    expect(view.durationMs).toBeGreaterThanOrEqual(last + base.timeline.bucketMs);
  });

  it('charts latency percentiles and calls per second by outcome class per bucket', () => {
    const [latency, throughput] = scenarioView(base, 0).charts;
    const { bucketMs, buckets } = base.timeline;
    expect(latency?.x).toEqual(buckets.map((b) => b.at / 1000));
    expect(latency?.series.map((s) => s.label)).toEqual(['p50', 'p95', 'p99']);
    expect(latency?.series[1]?.values).toEqual(buckets.map((b) => b.p95));
    const failed = throughput?.series.find((s) => s.label === 'failed');
    expect(failed?.values).toEqual(buckets.map((b) => b.failed / (bucketMs / 1000)));
    expect(buckets.reduce((n, b) => n + b.failed, 0)).toBe(2); // the fixture's two timeouts
  });
});

describe('probeCharts', () => {
  const probes = [
    probe('driver:lagMaxMs', [[0, 3]]),
    probe('metrics:db_pool_idle', [[0, 4]]),
    probe('metrics:db_pool_total', [[0, 10]]),
    probe('metrics:process_resident_memory_bytes', [[0, 1e8]]),
    probe('postgres:pg_connections', [[0, 12]]),
    probe('postgres:pg_connections{state="idle"}', [[0, 5]]),
    probe('process:rss_bytes', [[0, 9e7]]),
    probe('readyz:ok', [[0, 1]]),
    probe('router:router_in_flight{instance="target-1"}', [[0, 1]]),
    probe('router:router_in_flight{instance="target-2"}', [[1000, 2]]),
    probe('process:cpu_percent', [[0, 30]]),
  ];
  const { main, more } = probeCharts(probes, 'a');

  it('draws readiness, pool, PostgreSQL connections, RSS and driver lag first, in that order', () => {
    expect(main.map((c) => c.id)).toEqual(['a-readiness', 'a-pool', 'a-postgres', 'a-rss', 'a-lag']);
    expect(main[1]?.series.map((s) => s.label)).toEqual(['metrics:db_pool_idle', 'metrics:db_pool_total']);
    expect(main[3]?.unit).toBe('bytes');
  });

  it('puts every other series in one chart per metric, labelled by its labels', () => {
    expect(more.map((c) => c.title)).toEqual([
      'postgres:pg_connections',
      'process:cpu_percent',
      'router:router_in_flight',
    ]);
    expect(more[2]?.series.map((s) => s.label)).toEqual(['{instance="target-1"}', '{instance="target-2"}']);
    const drawn = [...main, ...more].flatMap((c) => c.series).length;
    expect(drawn).toBe(probes.length);
  });

  it('is keyed by metric without labels', () => {
    expect(metricOf('router:router_weight{build="a",instance="b"}')).toBe('router:router_weight');
    expect(metricOf('readyz:ok')).toBe('readyz:ok');
  });
});

describe('aligned', () => {
  it('joins series sampled at different times on the union of their offsets, null where one has none', () => {
    const chart = aligned(
      'c',
      'c',
      'count',
      [
        probe('p:a', [
          [0, 1],
          [2000, 3],
        ]),
        probe('p:b', [
          [1000, 5],
          [2000, Number.NaN],
        ]),
      ],
      (p) => p.key,
    );
    expect(chart.x).toEqual([0, 1, 2]);
    expect(chart.series).toEqual([
      { label: 'p:a', values: [1, null, 3] },
      { label: 'p:b', values: [null, 5, null] },
    ]);
  });
});

describe('embedJson', () => {
  it('cannot close its script element, and reads back as the same value', () => {
    const value = { id: '</script><script>alert(1)</script>', s: '<!-- \u2028' };
    const text = embedJson(value);
    expect(text).not.toMatch(/<\/script/i);
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual(value);
  });
});
