import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { poolStats } from './db/pool.ts';
import type { Defects } from './defects/index.ts';

export interface Metrics {
  readonly registry: Registry;
  readonly toolCalls: Counter<'tool' | 'code'>;
  readonly toolDuration: Histogram<'tool'>;
  readonly cacheReads: Counter<'query' | 'outcome'>;
  /** Audit entries by where they went: database, spool, flushed (spool to database), failed. */
  readonly auditEntries: Counter<'sink'>;
  readonly shed: Counter<'reason'>;
}

// One registry per server instance (not prom-client's global) so tests can run several servers
// in one process without metric-name collisions.
export function createMetrics(pool: pg.Pool, defects: Pick<Defects, 'poolReader'>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const toolCalls = new Counter({
    name: 'mcp_tool_calls_total',
    help: 'MCP tool calls by tool and result code (OK on success).',
    labelNames: ['tool', 'code'] as const,
    registers: [registry],
  });
  const toolDuration = new Histogram({
    name: 'mcp_tool_call_duration_seconds',
    help: 'Wall time of MCP tool calls, from dispatch to result.',
    labelNames: ['tool'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const auditEntries = new Counter({
    name: 'audit_entries_total',
    help: 'Audit entries by sink: database, spool (PostgreSQL away), flushed (spool to database), failed.',
    labelNames: ['sink'] as const,
    registers: [registry],
  });
  // Read at scrape time, so a leak or exhaustion shows without any sampling loop.
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  const stats = defects.poolReader(() => poolStats(pool));
  gauge('db_pool_total', 'Connections the pool holds (idle + checked out).', () => stats().total);
  gauge('db_pool_idle', 'Idle connections in the pool.', () => stats().idle);
  gauge('db_pool_waiting', 'Callers queued waiting for a connection.', () => stats().waiting);
  // The ceiling the others are read against: total == max with callers waiting is exhaustion.
  gauge('db_pool_max', 'The most connections the pool may hold (PG_POOL_MAX).', () => pool.options.max ?? 10);
  // One count per cached read: hit (fresh copy), miss (the database answered), stale (the database
  // could not, an older copy was served, marked), error (it could not and there was no copy).
  const cacheReads = new Counter({
    name: 'cache_reads_total',
    help: 'Reads of the read cache by query (customer, orders) and outcome (hit, miss, stale, error).',
    labelNames: ['query', 'outcome'] as const,
    registers: [registry],
  });
  const shed = new Counter({
    name: 'mcp_calls_shed_total',
    help: 'Tool calls refused at once by overload protection, by reason (concurrency, caller_concurrency, rate_limit).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return { registry, toolCalls, toolDuration, cacheReads, auditEntries, shed };
}
