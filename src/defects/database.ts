import type pg from 'pg';
import { TICKET_COLUMNS } from '../db/repository.ts';
import { TICKET_IDEMPOTENCY_INDEX } from '../db/schema.ts';
import { classifyError } from '../errors.ts';

/**
 * pool-timeouts-off: no connect, statement or query timeout. A slow or black-holed database makes
 * callers wait forever and the pool fills up with them.
 */
export function withoutTimeouts(options: pg.PoolConfig): pg.PoolConfig {
  const { statement_timeout, query_timeout, ...rest } = options;
  return { ...rest, connectionTimeoutMillis: 0 };
}

const ignore = (): void => undefined;

/**
 * connection-leak: each statement runs on a client checked out by hand, and the error path
 * releases it only when the connection broke. A statement that merely failed (a timeout: the
 * database was reached but slow) leaves its client checked out for good, its backend alive and
 * idle. The pool's slots run out one fault at a time, as in the reference story.
 */
export async function queryLeakingOnError<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  // A leaked client whose connection dies later emits 'error'; unhandled, that would crash the
  // process, and this defect is a leak, not a crash.
  client.on('error', ignore);
  try {
    const result = await client.query<R>(text, values);
    client.off('error', ignore);
    client.release();
    return result;
  } catch (error) {
    if (classifyError(error).code === 'DEPENDENCY_UNAVAILABLE') {
      client.off('error', ignore);
      client.release(error instanceof Error ? error : true);
    }
    throw error;
  }
}

/**
 * idempotency-ignored, schema half: the unique (tenant, idempotency key) index is dropped, as by
 * a migration that traded it away. It changes the shared database: a good build started on it
 * later restores the index (or stays not ready, naming the duplicates, if it cannot).
 */
export const withoutIdempotencyIndex = (schemaSql: string): string => `${schemaSql}
ALTER TABLE tickets DROP CONSTRAINT IF EXISTS ${TICKET_IDEMPOTENCY_INDEX};
DROP INDEX IF EXISTS ${TICKET_IDEMPOTENCY_INDEX};`;

/** idempotency-ignored, insert half: no ON CONFLICT, so a retry with the same key inserts again. */
export const insertTicketEveryTime = (): string =>
  `INSERT INTO tickets (id, tenant_id, customer_id, subject, body, status, idempotency_key)
   VALUES ($1, $2, $3, $4, $5, 'open', $6)
   RETURNING ${TICKET_COLUMNS}`;
