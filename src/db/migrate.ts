import type pg from 'pg';
import type { Migration } from './migrations.ts';

/** The schema of this database needs a build that knows more of it: no retry will help. */
export class SchemaTooNew extends Error {
  override readonly name = 'SchemaTooNew';
}

/** The database's migration history is not this build's (a migration renamed or renumbered). */
export class SchemaDiverged extends Error {
  override readonly name = 'SchemaDiverged';
}

export interface MigrateResult {
  /** The versions this call applied. */
  readonly applied: number[];
  /** Versions the database has that this build does not know (all expand, else it threw). */
  readonly newer: number[];
  /** The highest version the database is at now. */
  readonly version: number;
}

// Serialises every instance's migrations (and repairs) on one database: during a rolling deploy
// several start at once.
const LOCK_KEY = 727274;

/**
 * Brings the database `client` is connected to up to `migrations` (in order, each in its own
 * transaction, recorded in `schema_migrations`), then runs `repairSql` (every start). Refuses a
 * database that has a `contract` migration this build does not know (SchemaTooNew: a newer
 * build took away something this one uses) and one whose history differs from this build's
 * (SchemaDiverged); newer `expand` migrations are fine: they only added.
 */
export async function migrate(
  client: pg.ClientBase,
  migrations: readonly Migration[],
  options: { repairSql?: string; appliedBy?: string } = {},
): Promise<MigrateResult> {
  await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  try {
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        phase text NOT NULL CHECK (phase IN ('expand', 'contract')),
        applied_at timestamptz NOT NULL DEFAULT now(),
        applied_by text
      )`);
    const { rows } = await client.query<{ version: number; name: string; phase: string }>(
      'SELECT version, name, phase FROM schema_migrations ORDER BY version',
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    for (const row of rows) {
      const mine = known.get(row.version);
      if (mine && mine.name !== row.name) {
        throw new SchemaDiverged(
          `migration ${row.version} of this database is "${row.name}", this build's is "${mine.name}": a released migration was changed; restore the original and add a new one`,
        );
      }
    }
    const newer = rows.filter((r) => r.version > latest);
    const contract = newer.find((r) => r.phase === 'contract');
    if (contract) {
      throw new SchemaTooNew(
        `the database has migration ${contract.version} "${contract.name}" (contract), which takes away what this build (schema ${latest}) may use: deploy a build that knows migration ${contract.version}`,
      );
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, phase, applied_by) VALUES ($1, $2, $3, $4)',
          [migration.version, migration.name, migration.phase, options.appliedBy ?? null],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      applied.push(migration.version);
    }
    if (options.repairSql) await client.query(options.repairSql);
    return {
      applied,
      newer: newer.map((r) => r.version),
      version: Math.max(latest, ...rows.map((r) => r.version)),
    };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
  }
}
