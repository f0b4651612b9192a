import { describe, expect, it } from 'vitest';
import { seriesKey } from '../journal/index.ts';
import { DEFAULT_METRICS, selectSeries } from './metrics.ts';
import { parsePrometheusText } from './prometheus.ts';

const TEXT = `# TYPE db_pool_total gauge
db_pool_total 4
# TYPE db_pool_idle gauge
db_pool_idle 3
# TYPE nodejs_gc_duration_seconds histogram
nodejs_gc_duration_seconds_bucket{le="1",kind="minor"} 2
nodejs_gc_duration_seconds_sum{kind="minor"} 0.01
nodejs_gc_duration_seconds_count{kind="minor"} 2
# TYPE mcp_tool_call_duration_seconds histogram
mcp_tool_call_duration_seconds_bucket{le="0.5",tool="list_orders"} 9
mcp_tool_call_duration_seconds_sum{tool="list_orders"} 1.25
mcp_tool_call_duration_seconds_count{tool="list_orders"} 10
# TYPE weird gauge
weird NaN
`;

describe('selectSeries', () => {
  it('keeps the wanted families by family or sample name, without histogram buckets', () => {
    const families = parsePrometheusText(TEXT);
    expect(selectSeries(families, ['db_pool_total', 'mcp_tool_call_duration_seconds'])).toEqual({
      db_pool_total: 4,
      'mcp_tool_call_duration_seconds_sum{tool="list_orders"}': 1.25,
      'mcp_tool_call_duration_seconds_count{tool="list_orders"}': 10,
    });
    expect(selectSeries(families, ['nodejs_gc_duration_seconds_count'])).toEqual({
      'nodejs_gc_duration_seconds_count{kind="minor"}': 2,
    });
    const all = selectSeries(families, 'all');
    expect(Object.keys(all)).toHaveLength(7);
    expect(all.weird).toBeNaN(); // kept here; the sampler drops non-finite values before journaling
  });

  it("defaults to the reference server's pool gauges and Node's memory and CPU", () => {
    expect(DEFAULT_METRICS).toEqual(
      expect.arrayContaining([
        'db_pool_total',
        'db_pool_idle',
        'db_pool_waiting',
        'process_resident_memory_bytes',
      ]),
    );
    expect(Object.keys(selectSeries(parsePrometheusText(TEXT), DEFAULT_METRICS)).sort()).toEqual([
      'db_pool_idle',
      'db_pool_total',
      'mcp_tool_call_duration_seconds_count{tool="list_orders"}',
      'mcp_tool_call_duration_seconds_sum{tool="list_orders"}',
    ]);
  });
});

describe('seriesKey', () => {
  it('is the bare name without labels, else labels sorted by name and escaped as Prometheus does', () => {
    expect(seriesKey('db_pool_total')).toBe('db_pool_total');
    expect(seriesKey('pg_connections', { state: 'idle', application_name: 'app/1' })).toBe(
      'pg_connections{application_name="app/1",state="idle"}',
    );
    expect(seriesKey('m', { v: 'a"b\\c\nd' })).toBe('m{v="a\\"b\\\\c\\nd"}');
  });
});
