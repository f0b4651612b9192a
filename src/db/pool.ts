import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Defects } from '../defects/index.ts';

// node-postgres returns BIGINT/NUMERIC as strings by default; totals are cents that fit in a JS
// number, and a string in `totalCents` would break the contract.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function poolOptions(config: Config): pg.PoolConfig {
  return {
    connectionString: config.databaseUrl,
    max: config.pool.max,
    application_name: `mcp-reference-server/${config.buildId}`,
    // Detects peers that vanished without a FIN (a partitioned database) on idle connections.
    keepAlive: true,
    // Connections a burst opened beyond the working set go back to PostgreSQL after this long.
    idleTimeoutMillis: config.pool.idleTimeoutMs,
    // A leaked transaction must not pin a connection (and its locks) forever.
    idle_in_transaction_session_timeout: config.pool.idleInTransactionTimeoutMs,
    // Without these a slow or black-holed database makes callers wait forever.
    connectionTimeoutMillis: config.pool.connectTimeoutMs,
    statement_timeout: config.pool.statementTimeoutMs,
    query_timeout: config.pool.queryTimeoutMs,
  };
}

export function createPool(
  config: Config,
  logger: Logger,
  defects: Pick<Defects, 'poolOptions' | 'idleClientErrors'>,
): pg.Pool {
  const pool = new pg.Pool(defects.poolOptions(poolOptions(config)));
  // An idle client whose server went away (database restart) emits here; without a listener
  // the process would crash on an 'error' event with no handler.
  const listener = defects.idleClientErrors((error) => {
    logger.warn(
      { err: { message: error.message, code: (error as { code?: string }).code } },
      'idle database client failed',
    );
  });
  if (listener) pool.on('error', listener);
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
