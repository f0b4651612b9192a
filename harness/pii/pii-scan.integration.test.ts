import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensitiveValues } from '../dataset/sensitive.ts';
import { McpSession } from '../load/index.ts';
import { Environment, type StartedEnvironment } from '../runtime/environment.ts';
import { referenceTarget } from '../target/definition.ts';
import { PiiScanCollector } from './collect.ts';
import { scanDatabase } from './database.ts';

// Real parts: the reference server (LOG_LEVEL=info, so its logs have something to search) on
// embedded PostgreSQL, a real MCP session, the scan over the real database and log stream.
let env: StartedEnvironment;
let collector: PiiScanCollector;

beforeAll(async () => {
  env = await new Environment()
    .withRuntime('local')
    .withTarget(referenceTarget({ env: { LOG_LEVEL: 'info' } }))
    .withSeed(7)
    .start();
  collector = new PiiScanCollector(env).start();
});

afterAll(async () => {
  await env?.stop();
});

async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: env.postgresUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('PII at rest and in the logs (reference server, local runtime)', () => {
  it('answers the plaintext, stores only ciphertext, and logs neither', async () => {
    const agent = env.identities.find((i) => i.role === 'agent');
    if (!agent) throw new Error('no agent identity');
    const customer = env.dataset.customers.find((c) => c.tenantId === agent.tenant);
    if (!customer) throw new Error('no customer in the agent tenant');
    const session = await McpSession.connect(env.mcpUrl, agent, { client: 'http' });
    try {
      const result = await session.call('lookup_customer', { customerId: customer.id }, 'pii-1', 5_000);
      expect(result.structuredContent).toMatchObject({
        customer: { id: customer.id, email: customer.email, phone: customer.phone },
      });
    } finally {
      await session.close();
    }
    const [row] = await sql<{ email: Buffer; phone: Buffer }>(
      'SELECT email, phone FROM customers WHERE id = $1',
      [customer.id],
    );
    expect(row?.email[0]).toBe(1); // the key version byte
    expect(row?.email.includes(Buffer.from(customer.email))).toBe(false);
    expect(row?.phone.includes(Buffer.from(customer.phone ?? '-'))).toBe(false);

    const record = await collector.finish(Date.now());
    expect(record.values).toBe(sensitiveValues(env.dataset).length);
    expect(record.hitsTotal).toBe(0);
    const logs = record.sources.find((s) => s.source === 'logs');
    // The start-up lines, the dataset load and the call were all searched.
    expect(Number.parseInt(logs?.scanned ?? '0', 10)).toBeGreaterThan(3);
    expect(logs?.error).toBeUndefined();
    expect(record.sources.find((s) => s.source === 'database')?.error).toBeUndefined();
    expect(record.sources.find((s) => s.source === 'state')?.error).toBeUndefined();
  });

  it('finds plaintext in text, jsonb, array and bytea columns, naming table.column and the owner', async () => {
    const [a, b, c, d] = env.dataset.customers;
    if (!a || !b || !c || !d) throw new Error('dataset too small');
    await sql('CREATE TABLE leak (id int, note text, doc jsonb, tags text[], blob bytea, n int)');
    await sql('INSERT INTO leak VALUES (1, $1, $2, $3, $4, 5), (2, $1, NULL, NULL, NULL, 6)', [
      `call me on ${a.phone}`,
      JSON.stringify({ contact: b.email }),
      ['x', c.email],
      Buffer.from(`<${d.email}>`),
    ]);
    const { scan, hits } = await scanDatabase(env.postgresUrl, sensitiveValues(env.dataset));
    expect(scan.error).toBeUndefined();
    const found = hits.map((h) => `${h.location} ${h.kind} ${h.owner} ${h.occurrences}`).sort();
    expect(found).toEqual(
      [
        `leak.note phone ${a.id} 2`,
        `leak.doc email ${b.id} 1`,
        `leak.tags email ${c.id} 1`,
        `leak.blob email ${d.id} 1`,
      ].sort(),
    );
    expect(JSON.stringify(hits)).not.toContain(a.phone);
    expect(JSON.stringify(hits)).not.toContain(b.email);
  });

  it('says so when the database cannot be searched', async () => {
    const url = new URL(env.postgresUrl);
    url.port = '1';
    const { scan, hits } = await scanDatabase(url.toString(), sensitiveValues(env.dataset));
    expect(hits).toEqual([]);
    expect(scan.error).toMatch(/could not be searched/);
  });
});
