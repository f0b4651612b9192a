import { Counter, Gauge, type Registry } from 'prom-client';
import type { BreakerState, UpstreamOutcome } from './shipping-client.ts';

/**
 * The upstream's metrics on /metrics: `upstream_calls_total{upstream,outcome}` (one per lookup:
 * ok, not_found, failed, timeout, circuit_open, bulkhead_full) and
 * `upstream_breaker_state{upstream}` (0 closed, 1 half-open, 2 open, 3 isolated), read at scrape time.
 */
export function registerUpstreamMetrics(
  registry: Registry,
  upstream: string,
  breakerState: () => BreakerState,
): (outcome: UpstreamOutcome) => void {
  const calls = new Counter({
    name: 'upstream_calls_total',
    help: 'Upstream lookups by upstream and outcome (ok, not_found, failed, timeout, circuit_open, bulkhead_full).',
    labelNames: ['upstream', 'outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'upstream_breaker_state',
    help: "The upstream circuit breaker's state: 0 closed, 1 half-open, 2 open, 3 isolated.",
    labelNames: ['upstream'] as const,
    registers: [registry],
    collect() {
      this.set({ upstream }, breakerState());
    },
  });
  return (outcome) => calls.inc({ upstream, outcome });
}
