// The backup procedure against a real PostgreSQL (the embedded one the local runtime runs),
// through its command line, as an operator or the harness's backup faults run it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPostgres } from '../../harness/runtime/local/postgres.ts';
import { Registry } from '../../harness/runtime/local/registry.ts';
import { SCHEMA_SQL } from './schema.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, 'backup-cli.ts');

let postgres: LocalPostgres;
let registry: Registry;
let work: string;
let client: pg.Client;

async function backupCli(
  command: string,
  dir: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, command, dir], {
      env: { ...process.env, DATABASE_URL: postgres.url, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const count = async (table: string) =>
  Number((await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n);

beforeAll(async () => {
  registry = new Registry(`test-backup-${process.pid}`);
  postgres = await LocalPostgres.start(registry);
  work = await mkdtemp(join(tmpdir(), 'mcp-chaos-backup-test-'));
  client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  await client.query(SCHEMA_SQL);
  await client.query(`
    INSERT INTO tenants VALUES ('t1', 'Tenant one');
    -- email and phone are sealed bytea (src/pii); any bytes do for a backup.
    INSERT INTO customers (id, tenant_id, name, email, phone, tier)
      VALUES ('c1', 't1', 'Ada', '\\x01aa', '\\x01bb', 'gold'), ('c2', 't1', 'Bo', '\\x01cc', NULL, 'basic');
    INSERT INTO orders VALUES ('o1', 'c1', 'shipped', 1200, now());
    INSERT INTO tickets (id, tenant_id, customer_id, subject, body, idempotency_key)
      VALUES ('k1', 't1', 'c1', 'tab	and
newline \\ backslash', 'body', 'key-1');
  `);
}, 60_000);

afterAll(async () => {
  await client?.end().catch(() => undefined);
  await postgres?.destroy();
  await registry?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('backup and restore (src/db/backup-cli.ts) on a real PostgreSQL', () => {
  it('restores the database exactly as it was at the recovery point, whatever happened since', async () => {
    const before = Date.now();
    const made = await backupCli('backup', join(work, 'b1'));
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const summary = JSON.parse(made.stdout) as {
      recoveryPoint: number;
      tables: { name: string; rows: number }[];
    };
    expect(summary.recoveryPoint).toBeGreaterThanOrEqual(before);
    // Referenced tables first: the restore order.
    expect(summary.tables.map((t) => t.name)).toEqual([
      'audit_log',
      'tenants',
      'customers',
      'billing_profiles',
      'billing_updates',
      'kb_articles',
      'orders',
      'tickets',
    ]);
    expect(summary.tables.find((t) => t.name === 'tickets')?.rows).toBe(1);

    // After the backup: a write that the restore must take away, and a loss of everything.
    await client.query(`INSERT INTO tickets (id, tenant_id, customer_id, subject, body, idempotency_key)
      VALUES ('k2', 't1', 'c2', 's', 'b', 'key-2')`);
    await client.query(
      'DROP TABLE tickets, orders, kb_articles, billing_updates, billing_profiles, customers, tenants, audit_log CASCADE',
    );

    const restored = await backupCli('restore', join(work, 'b1'));
    expect(restored.stderr).toBe('');
    expect(JSON.parse(restored.stdout)).toMatchObject({
      recoveryPoint: summary.recoveryPoint,
      tables: 8,
      rows: 5,
    });
    expect(await count('customers')).toBe(2);
    const tickets = await client.query('SELECT id, subject FROM tickets');
    expect(tickets.rows).toEqual([{ id: 'k1', subject: 'tab\tand\nnewline \\ backslash' }]);
    // The schema's constraints came back with it: the idempotency key is still unique.
    await expect(
      client.query(`INSERT INTO tickets (id, tenant_id, customer_id, subject, body, idempotency_key)
        VALUES ('k3', 't1', 'c1', 's', 'b', 'key-1')`),
    ).rejects.toThrow(/duplicate key/);
  });

  it('backup-tables-by-hand backs up only the listed tables: the tickets are lost on restore', async () => {
    const made = await backupCli('backup', join(work, 'b2'), { DEFECT: 'backup-tables-by-hand' });
    expect(made.code).toBe(0);
    const names = (JSON.parse(made.stdout) as { tables: { name: string }[] }).tables.map((t) => t.name);
    expect(names).toEqual(['tenants', 'customers', 'orders']);
    await backupCli('restore', join(work, 'b2'));
    expect(await count('customers')).toBe(2);
    // Emptied with the customers they reference (TRUNCATE … CASCADE) and never refilled.
    expect(await count('tickets')).toBe(0);
  });

  it('refuses an unfinished backup, a damaged one and another PostgreSQL major version, saying why', async () => {
    const missing = await backupCli('restore', join(work, 'nothing-here'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/manifest\.json is missing: .* is not a finished backup/);

    const manifestPath = join(work, 'b1', 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { serverVersionNum: number };
    await writeFile(manifestPath, JSON.stringify({ ...manifest, serverVersionNum: 150_004 }));
    const otherMajor = await backupCli('restore', join(work, 'b1'));
    expect(otherMajor.code).toBe(1);
    expect(otherMajor.stderr).toMatch(
      /backup is of PostgreSQL 15 and this server runs PostgreSQL \d+: restore into a server of the same major version/,
    );

    await writeFile(manifestPath, '{"format": 1');
    expect((await backupCli('restore', join(work, 'b1'))).stderr).toMatch(
      /is not JSON: the backup is damaged/,
    );
  });

  it('names a missing DATABASE_URL and a bad command line', async () => {
    const { DATABASE_URL: _, ...env } = process.env;
    const noUrl = await run(process.execPath, [cli, 'backup', work], { env }).catch((e) => e);
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain('DATABASE_URL is required');
    const usage = await backupCli('dump', work);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('usage: node src/db/backup-cli.ts backup|restore <dir>');
  });
});
