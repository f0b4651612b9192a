import { seriesKey } from '../journal/index.ts';
import type { TargetAdmin } from '../runtime/target-admin.ts';
import type { Probe } from './probe.ts';
import { type MetricFamily, parsePrometheusText } from './prometheus.ts';

/**
 * The metric families journaled by default: the reference server's pool gauges and tool
 * counters, and prom-client's process and Node.js defaults that show leaks and stalls. A
 * target with other names passes its own list (`metrics` option).
 */
export const DEFAULT_METRICS: readonly string[] = [
  'db_pool_max',
  'db_pool_total',
  'db_pool_idle',
  'db_pool_waiting',
  'mcp_tool_calls_total',
  'mcp_tool_call_duration_seconds',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_open_fds',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  // Stateful MCP sessions held, and how they ended (closed, idle, capacity, shutdown).
  'mcp_sessions_open',
  'mcp_sessions_ended_total',
];

/** GET /metrics from the target's admin port; the selected families' series become `values`. */
export function metricsProbe(
  admin: TargetAdmin,
  families: readonly string[] | 'all',
  timeoutMs: number,
): Probe {
  return {
    name: 'metrics',
    async read() {
      return { values: selectSeries(parsePrometheusText(await admin.metrics(timeoutMs)), families) };
    },
  };
}

/**
 * The series of the wanted families (by family or sample name), keyed by `seriesKey`.
 * Histogram buckets are left out: a dozen series per label set, and the journal's call records
 * already give every latency exactly; `_sum` and `_count` are kept.
 */
export function selectSeries(
  parsed: Map<string, MetricFamily>,
  wanted: readonly string[] | 'all',
): Record<string, number> {
  const names = wanted === 'all' ? undefined : new Set(wanted);
  const values: Record<string, number> = {};
  for (const family of parsed.values()) {
    for (const sample of family.samples) {
      if (names && !names.has(family.name) && !names.has(sample.name)) continue;
      if (family.type === 'histogram' && sample.name.endsWith('_bucket')) continue;
      values[seriesKey(sample.name, sample.labels)] = sample.value;
    }
  }
  return values;
}
