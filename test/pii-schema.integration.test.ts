import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Environment, type StartedEnvironment } from '../harness/index.ts';
import { SCHEMA_SQL } from '../src/db/schema.ts';

// A database created by a build from before encryption at rest (email as text, no phone) must not
// keep its plaintext once a current build starts on it. Real PostgreSQL, the real start-up DDL.
let env: StartedEnvironment;

beforeAll(async () => {
  env = await new Environment().withRuntime('local').start();
});

afterAll(async () => {
  await env?.stop();
});

describe('the start-up DDL on a database from before encryption', () => {
  it('converts customers.email to bytea and drops the plaintext rows; a second run is a no-op', async () => {
    const client = new pg.Client({ connectionString: env.postgresUrl });
    await client.connect();
    try {
      await client.query('CREATE SCHEMA legacy; SET search_path = legacy');
      await client.query(`
        CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL);
        CREATE TABLE customers (id text PRIMARY KEY, tenant_id text NOT NULL REFERENCES tenants(id),
          name text NOT NULL, email text NOT NULL, tier text NOT NULL);
        CREATE TABLE orders (id text PRIMARY KEY, customer_id text NOT NULL REFERENCES customers(id),
          status text NOT NULL, total_cents bigint NOT NULL, created_at timestamptz NOT NULL);
        INSERT INTO tenants VALUES ('t1', 'T');
        INSERT INTO customers VALUES ('c1', 't1', 'Ada', 'ada@legacy.example', 'gold');
        INSERT INTO orders VALUES ('o1', 'c1', 'open', 1, now());`);
      await client.query(SCHEMA_SQL);
      const columns = await client.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'legacy' AND table_name = 'customers' AND column_name IN ('email', 'phone')
          ORDER BY 1`,
      );
      expect(columns.rows).toEqual([
        { column_name: 'email', data_type: 'bytea' },
        { column_name: 'phone', data_type: 'bytea' },
      ]);
      expect((await client.query('SELECT * FROM customers')).rowCount).toBe(0);
      expect((await client.query('SELECT * FROM orders')).rowCount).toBe(0);
      // The tenants stay; rows written after the conversion survive the next start.
      await client.query(
        `INSERT INTO customers (id, tenant_id, name, email, tier) VALUES ('c2', 't1', 'B', '\\x01', 'x')`,
      );
      await client.query(SCHEMA_SQL);
      expect((await client.query('SELECT id FROM customers')).rows).toEqual([{ id: 'c2' }]);
    } finally {
      await client.end();
    }
  });
});
