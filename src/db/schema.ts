import type pg from 'pg';
import type { Logger } from 'pino';
import { migrate, SchemaDiverged, SchemaTooNew } from './migrate.ts';
import type { Migration } from './migrations.ts';

export { MIGRATIONS, REPAIR_SQL, SCHEMA_SQL } from './migrations.ts';
export { BILLING_IDEMPOTENCY_INDEX, TICKET_IDEMPOTENCY_INDEX } from './schema-names.ts';

/** Tracks whether the schema exists yet, so tools and /readyz can answer honestly before it does. */
export interface SchemaState {
  ready: boolean;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Migrates the schema (src/db/migrate.ts), retrying with capped exponential backoff until it
 * succeeds or `signal` aborts. A database that is down at start is an outage to ride out, not a
 * reason to exit; a schema too new for this build stays not ready, saying which build it needs.
 */
export async function ensureSchemaWithRetry(
  pool: pg.Pool,
  state: SchemaState,
  logger: Logger,
  signal: AbortSignal,
  options: { migrations: readonly Migration[]; repairSql: string; appliedBy: string },
): Promise<void> {
  let delayMs = 250;
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const client = await pool.connect();
      let result: Awaited<ReturnType<typeof migrate>>;
      try {
        result = await migrate(client, options.migrations, options);
      } finally {
        client.release();
      }
      state.ready = true;
      logger.info(
        { attempt, version: result.version, applied: result.applied, newer: result.newer },
        'database schema ready',
      );
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof SchemaTooNew || error instanceof SchemaDiverged;
      const level = permanent ? 'error' : 'warn';
      logger[level](
        { attempt, retryInMs: delayMs, reason: message },
        permanent
          ? 'database schema not usable by this build; not ready'
          : 'database not ready at start; retrying',
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      delayMs = Math.min(delayMs * 2, MAX_BACKOFF_MS);
    }
  }
}
