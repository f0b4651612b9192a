import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { selectDefects } from './defects/index.ts';
import { createMetrics } from './metrics.ts';

const pool = { totalCount: 0, idleCount: 0, waitingCount: 0, options: { max: 7 } };

async function gauges(defect: 'none' | 'pool-gauge-stale'): Promise<Record<string, number>> {
  const metrics = createMetrics(pool as unknown as pg.Pool, selectDefects(defect));
  // The pool fills up after the metrics were registered, as it does after start.
  Object.assign(pool, { totalCount: 5, idleCount: 2, waitingCount: 1 });
  const text = await metrics.registry.metrics();
  Object.assign(pool, { totalCount: 0, idleCount: 0, waitingCount: 0 });
  const values: Record<string, number> = {};
  for (const [, name, value] of text.matchAll(/^(db_pool_\w+) (\S+)$/gm))
    values[name as string] = Number(value);
  return values;
}

describe('pool gauges', () => {
  it('read the pool at scrape time, with its configured max', async () => {
    expect(await gauges('none')).toEqual({
      db_pool_total: 5,
      db_pool_idle: 2,
      db_pool_waiting: 1,
      db_pool_max: 7,
    });
  });

  it('pool-gauge-stale keeps the values of registration time; the max is still right', async () => {
    expect(await gauges('pool-gauge-stale')).toEqual({
      db_pool_total: 0,
      db_pool_idle: 0,
      db_pool_waiting: 0,
      db_pool_max: 7,
    });
  });
});

describe('read cache counters', () => {
  it('count reads by query and outcome', async () => {
    const metrics = createMetrics(pool as unknown as pg.Pool, selectDefects('none'));
    metrics.cacheReads.inc({ query: 'customer', outcome: 'hit' });
    metrics.cacheReads.inc({ query: 'orders', outcome: 'stale' }, 2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('cache_reads_total{query="customer",outcome="hit"} 1');
    expect(text).toContain('cache_reads_total{query="orders",outcome="stale"} 2');
  });
});

describe('shed counter', () => {
  it('counts sheds by reason on /metrics', async () => {
    const metrics = createMetrics(pool as unknown as pg.Pool, selectDefects('none'));
    metrics.shed.inc({ reason: 'concurrency' });
    metrics.shed.inc({ reason: 'rate_limit' });
    metrics.shed.inc({ reason: 'rate_limit' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('mcp_calls_shed_total{reason="concurrency"} 1');
    expect(text).toContain('mcp_calls_shed_total{reason="rate_limit"} 2');
  });
});
