import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerUpstreamMetrics } from './metrics.ts';
import type { BreakerState } from './shipping-client.ts';

describe('upstream metrics', () => {
  it('count lookups by outcome and read the breaker state at scrape time', async () => {
    const registry = new Registry();
    let state: BreakerState = 0;
    const count = registerUpstreamMetrics(registry, 'shipping', () => state);
    count('ok');
    count('ok');
    count('circuit_open');
    state = 2;
    const text = await registry.metrics();
    expect(text).toContain('upstream_calls_total{upstream="shipping",outcome="ok"} 2');
    expect(text).toContain('upstream_calls_total{upstream="shipping",outcome="circuit_open"} 1');
    expect(text).toContain('upstream_breaker_state{upstream="shipping"} 2');
    state = 0;
    expect(await registry.metrics()).toContain('upstream_breaker_state{upstream="shipping"} 0');
  });
});
