import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Migration } from '../db/migrations.ts';
import { TICKET_COLUMNS } from '../db/repository.ts';

/**
 * slow-queries: every statement waits 250 ms before it is sent, as a release with a missing
 * index or an N+1 loop answers: correct, but slow. A deploy guard on latency must roll it back.
 */
export const SLOW_QUERY_DELAY_MS = 250;

export async function slowQuery<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  await sleep(SLOW_QUERY_DELAY_MS);
  return await pool.query<R>(text, values);
}

/** crash-on-start: the build dies during start-up (a setting it requires and nobody sets). */
export function crashOnStart(): void {
  throw new Error(
    'crash-on-start: REQUIRED_FEATURE_TOKEN is not set (this build crashes on start on purpose)',
  );
}

/**
 * expand-breaks-old, schema half: a migration filed as `expand` that is not one — the new column
 * is NOT NULL with no default, so the build before it (which inserts tickets without it) fails
 * every create_ticket the moment the new build has migrated, while both still serve. The fix is
 * the expand/contract discipline: a nullable or defaulted column first, NOT NULL a release later.
 */
export function withBreakingExpand(migrations: readonly Migration[]): readonly Migration[] {
  const version = Math.max(...migrations.map((m) => m.version)) + 1;
  return [
    ...migrations,
    {
      version,
      name: 'ticket channel',
      phase: 'expand',
      sql: `ALTER TABLE tickets ADD COLUMN IF NOT EXISTS channel text NOT NULL DEFAULT 'mcp';
ALTER TABLE tickets ALTER COLUMN channel DROP DEFAULT;`,
    },
  ];
}

/** expand-breaks-old, insert half: this build writes the new column. */
export const insertTicketWithChannel = (): string =>
  `INSERT INTO tickets (id, tenant_id, customer_id, subject, body, status, idempotency_key, channel)
   VALUES ($1, $2, $3, $4, $5, 'open', $6, 'mcp')
   ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
   RETURNING ${TICKET_COLUMNS}`;
