import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { parsePrometheusText, parseSample } from './prometheus.ts';

// An excerpt of what the reference server's prom-client registry serves.
const PROM_CLIENT = `# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.234

# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 83542016

# HELP nodejs_eventloop_lag_p99_seconds The 99th percentile of the recorded event loop delays.
# TYPE nodejs_eventloop_lag_p99_seconds gauge
nodejs_eventloop_lag_p99_seconds 0.012

# HELP mcp_tool_calls_total MCP tool calls by tool and result code (OK on success).
# TYPE mcp_tool_calls_total counter
mcp_tool_calls_total{tool="lookup_customer",code="OK"} 12
mcp_tool_calls_total{tool="list_orders",code="UNAVAILABLE"} 3

# HELP mcp_tool_call_duration_seconds Wall time of MCP tool calls, from dispatch to result.
# TYPE mcp_tool_call_duration_seconds histogram
mcp_tool_call_duration_seconds_bucket{le="0.005",tool="lookup_customer"} 4
mcp_tool_call_duration_seconds_bucket{le="+Inf",tool="lookup_customer"} 12
mcp_tool_call_duration_seconds_sum{tool="lookup_customer"} 0.5
mcp_tool_call_duration_seconds_count{tool="lookup_customer"} 12

# HELP db_pool_waiting Callers queued waiting for a connection.
# TYPE db_pool_waiting gauge
db_pool_waiting 0
`;

describe('parsePrometheusText', () => {
  it('reads families with their type, help and samples, histograms with their suffixed series', () => {
    const families = parsePrometheusText(PROM_CLIENT);
    expect([...families.keys()]).toEqual([
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'mcp_tool_calls_total',
      'mcp_tool_call_duration_seconds',
      'db_pool_waiting',
    ]);
    expect(families.get('process_cpu_seconds_total')).toEqual({
      name: 'process_cpu_seconds_total',
      type: 'counter',
      help: 'Total user and system CPU time spent in seconds.',
      samples: [{ name: 'process_cpu_seconds_total', labels: {}, value: 1.234 }],
    });
    expect(families.get('mcp_tool_calls_total')?.samples).toEqual([
      { name: 'mcp_tool_calls_total', labels: { tool: 'lookup_customer', code: 'OK' }, value: 12 },
      { name: 'mcp_tool_calls_total', labels: { tool: 'list_orders', code: 'UNAVAILABLE' }, value: 3 },
    ]);
    const histogram = families.get('mcp_tool_call_duration_seconds');
    expect(histogram?.type).toBe('histogram');
    expect(histogram?.samples.map((s) => s.name)).toEqual([
      'mcp_tool_call_duration_seconds_bucket',
      'mcp_tool_call_duration_seconds_bucket',
      'mcp_tool_call_duration_seconds_sum',
      'mcp_tool_call_duration_seconds_count',
    ]);
    expect(histogram?.samples[1]?.labels).toEqual({ le: '+Inf', tool: 'lookup_customer' });
  });

  it('keeps untyped samples as families of their own, and OpenMetrics counters under their family', () => {
    const families = parsePrometheusText(
      '# TYPE jobs counter\n# UNIT jobs jobs\njobs_total 3\njobs_created 1.7e9\nloose_metric 7\n# EOF\n',
    );
    expect(families.get('jobs')?.samples.map((s) => [s.name, s.value])).toEqual([
      ['jobs_total', 3],
      ['jobs_created', 1.7e9],
    ]);
    expect(families.get('loose_metric')).toEqual({
      name: 'loose_metric',
      type: 'untyped',
      samples: [{ name: 'loose_metric', labels: {}, value: 7 }],
    });
  });

  it('unescapes label values and HELP text', () => {
    const families = parsePrometheusText(
      '# HELP m A \\\\ backslash, a\\nnewline and a \\"quote\\"\nm{path="C:\\\\tmp",msg="say \\"hi\\"\\nbye"} 1\n',
    );
    expect(families.get('m')?.help).toBe('A \\ backslash, a\nnewline and a \\"quote\\"');
    expect(families.get('m')?.samples[0]?.labels).toEqual({ path: 'C:\\tmp', msg: 'say "hi"\nbye' });
  });

  it('rejects broken lines with the line number and a HarnessError', () => {
    for (const text of ['m{a="1" 2', 'm{a=1} 2', 'm two', 'm 1 2 3', '# TYPE m flavour', '{a="1"} 1']) {
      expect(() => parsePrometheusText(`ok 1\n${text}`), text).toThrow(
        /line 2 is not Prometheus text format/,
      );
    }
    expect(() => parsePrometheusText('m{')).toThrow(HarnessError);
  });
});

describe('parseSample', () => {
  it('reads special values, exponents, timestamps, spaces and a trailing comma in labels', () => {
    expect(parseSample('a NaN').value).toBeNaN();
    expect(parseSample('a +Inf').value).toBe(Number.POSITIVE_INFINITY);
    expect(parseSample('a -Inf').value).toBe(Number.NEGATIVE_INFINITY);
    expect(parseSample('a 1.5e-3').value).toBe(0.0015);
    expect(parseSample('a{ x = "1" , y="2", } -4 1700000000000')).toEqual({
      name: 'a',
      labels: { x: '1', y: '2' },
      value: -4,
      timestampMs: 1_700_000_000_000,
    });
    expect(parseSample('ns:metric_name{} 3').labels).toEqual({});
    expect(parseSample('a{v="}{,="} 1').labels).toEqual({ v: '}{,=' });
  });
});
