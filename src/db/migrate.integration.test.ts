// Versioned migrations on a real PostgreSQL: applied once each, in order, by one instance at a
// time; a build that is one migration behind still runs on the newer (expanded) schema — what a
// rolling deploy relies on — and refuses one a newer build contracted.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPostgres } from '../../harness/runtime/local/postgres.ts';
import { Registry } from '../../harness/runtime/local/registry.ts';
import { migrate, SchemaDiverged, SchemaTooNew } from './migrate.ts';
import { MIGRATIONS, REPAIR_SQL, SCHEMA_SQL } from './migrations.ts';

let postgres: LocalPostgres;
let registry: Registry;
const clients: pg.Client[] = [];

/** A client whose tables live in a schema of their own: each test starts from an empty database. */
async function freshClient(schema = `s_${randomUUID().slice(0, 8)}`): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  clients.push(client);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path = ${schema}`);
  return client;
}

const history = async (client: pg.Client) =>
  (await client.query('SELECT version, name, phase FROM schema_migrations ORDER BY version')).rows;
const latest = Math.max(...MIGRATIONS.map((m) => m.version));

beforeAll(async () => {
  registry = new Registry(`test-migrate-${process.pid}`);
  postgres = await LocalPostgres.start(registry);
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.end().catch(() => undefined);
  await postgres?.destroy();
  await registry?.remove();
});

describe('migrate (src/db/migrate.ts) on a real PostgreSQL', () => {
  it('applies every migration once, in order, and records it', async () => {
    const client = await freshClient();
    const first = await migrate(client, MIGRATIONS, { repairSql: REPAIR_SQL, appliedBy: 'test' });
    expect(first).toEqual({ applied: MIGRATIONS.map((m) => m.version), newer: [], version: latest });
    expect(await history(client)).toEqual(
      MIGRATIONS.map(({ version, name, phase }) => ({ version, name, phase })),
    );
    expect(await migrate(client, MIGRATIONS, { repairSql: REPAIR_SQL })).toEqual({
      applied: [],
      newer: [],
      version: latest,
    });
  });

  it('lets a build one migration behind run on the expanded schema, and refuses a contracted one', async () => {
    const client = await freshClient();
    await migrate(client, MIGRATIONS);
    const older = MIGRATIONS.slice(0, -1);
    expect(await migrate(client, older)).toEqual({ applied: [], newer: [latest], version: latest });
    // A newer build's contract (say, a column dropped that older builds still read).
    await client.query(
      `INSERT INTO schema_migrations (version, name, phase) VALUES (${latest + 1}, 'drop tickets.legacy', 'contract')`,
    );
    await expect(migrate(client, MIGRATIONS)).rejects.toThrow(SchemaTooNew);
    await expect(migrate(client, MIGRATIONS)).rejects.toThrow(
      `the database has migration ${latest + 1} "drop tickets.legacy" (contract), which takes away what this build (schema ${latest}) may use: deploy a build that knows migration ${latest + 1}`,
    );
  });

  it('refuses a history that differs from the build: a released migration renamed', async () => {
    const client = await freshClient();
    await migrate(client, MIGRATIONS);
    const renamed = MIGRATIONS.map((m) => (m.version === 2 ? { ...m, name: 'kb' } : m));
    await expect(migrate(client, renamed)).rejects.toThrow(SchemaDiverged);
    await expect(migrate(client, renamed)).rejects.toThrow(
      /migration 2 of this database is "knowledge base", this build's is "kb"/,
    );
  });

  it('adopts a database an older build created without migrations, keeping its rows', async () => {
    const client = await freshClient();
    await client.query(SCHEMA_SQL);
    await client.query(`INSERT INTO tenants VALUES ('t1', 'Tenant one')`);
    expect((await migrate(client, MIGRATIONS)).applied).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await client.query('SELECT id FROM tenants')).rows).toEqual([{ id: 't1' }]);
  });

  it('rolls a failed migration back whole and records nothing of it', async () => {
    const client = await freshClient();
    const broken = [
      ...MIGRATIONS,
      {
        version: latest + 1,
        name: 'broken',
        phase: 'expand' as const,
        sql: 'CREATE TABLE half_done (id int); SELECT 1/0;',
      },
    ];
    await expect(migrate(client, broken)).rejects.toThrow(/division by zero/);
    expect((await client.query(`SELECT to_regclass('half_done') AS t`)).rows).toEqual([{ t: null }]);
    expect((await history(client)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('serialises instances starting at once: each migration applied exactly once', async () => {
    const schema = `s_${randomUUID().slice(0, 8)}`;
    // The schema first, from one client: concurrent CREATE SCHEMA IF NOT EXISTS races in PostgreSQL.
    const a = await freshClient(schema);
    const [b, c] = await Promise.all([freshClient(schema), freshClient(schema)]);
    const results = await Promise.all([a, b, c].map((client) => migrate(client, MIGRATIONS)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(MIGRATIONS.map((m) => m.version).sort());
    expect((await history(a)).length).toBe(MIGRATIONS.length);
  });
});
