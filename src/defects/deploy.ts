import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

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
