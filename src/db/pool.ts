import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';

// node-postgres returns BIGINT/NUMERIC as strings by default; totals are cents that fit in a JS
// number, and a string in `totalCents` would break the contract.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function poolOptions(config: Config): pg.PoolConfig {
  const base: pg.PoolConfig = {
    connectionString: config.databaseUrl,
    max: config.pool.max,
    application_name: `mcp-reference-server/${config.buildId}`,
    // Detects peers that vanished without a FIN (a partitioned database) on idle connections.
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    // A leaked transaction must not pin a connection (and its locks) forever.
    idle_in_transaction_session_timeout: config.pool.idleInTransactionTimeoutMs,
  };
  if (!config.pool.timeouts) {
    // Negative control: without timeouts a slow or black-holed database makes callers wait
    // forever and the pool fills up. The harness uses this to prove it notices.
    return { ...base, connectionTimeoutMillis: 0 };
  }
  return {
    ...base,
    connectionTimeoutMillis: config.pool.connectTimeoutMs,
    statement_timeout: config.pool.statementTimeoutMs,
    query_timeout: config.pool.queryTimeoutMs,
  };
}

export function createPool(config: Config, logger: Logger): pg.Pool {
  const pool = new pg.Pool(poolOptions(config));
  // An idle client whose server went away (database restart) emits here; without a listener
  // the process would crash on an 'error' event with no handler.
  pool.on('error', (error) => {
    logger.warn(
      { err: { message: error.message, code: (error as { code?: string }).code } },
      'idle database client failed',
    );
  });
  return pool;
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export const poolStats = (pool: pg.Pool): PoolStats => ({
  total: pool.totalCount,
  idle: pool.idleCount,
  waiting: pool.waitingCount,
});
