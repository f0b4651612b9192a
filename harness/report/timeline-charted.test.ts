import { describe, expect, it } from 'vitest';
import { charted } from './timeline.ts';

describe('charted', () => {
  it('keeps gauges, the pool size among them, and leaves out counters and Toxiproxy', () => {
    expect(charted('metrics', 'db_pool_total')).toBe(true);
    expect(charted('metrics', 'db_pool_idle')).toBe(true);
    expect(charted('metrics', 'process_cpu_seconds_total')).toBe(false);
    expect(charted('metrics', 'mcp_sessions_ended_total{reason="idle"}')).toBe(false);
    expect(charted('metrics', 'http_request_duration_seconds_bucket{le="1"}')).toBe(false);
    expect(charted('toxiproxy', 'proxies')).toBe(false);
  });
});
