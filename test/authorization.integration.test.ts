// The reference server's authorization, end to end on the harness's real environment (local
// runtime: PostgreSQL, Toxiproxy, the identity issuer and the server as a child process), with the
// SDK's MCP client over HTTP through the client→target link.
// The expected table is written out by hand on purpose: deriving it from src/auth/policy.ts would
// only prove the policy agrees with itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { generateKeyPair, SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Environment, referenceTarget, type StartedEnvironment, shippingStatusOf } from '../harness/index.ts';

type Role = 'agent' | 'auditor' | 'customer' | 'manager' | 'billing_admin';
type ToolName = 'lookup_customer' | 'list_orders' | 'create_ticket' | 'get_order_status' | 'update_billing';
type TenantTool = 'search_knowledge_base' | 'analytics_summary';
type Target = 'own-customer' | 'same-tenant-other-customer' | 'other-tenant-customer';
type Expected = 'ok' | 'FORBIDDEN' | 'NOT_FOUND';

// Every caller is in tenant t-alpha; the customer-role caller is c-a1.
const TARGET_IDS: Record<Target, string> = {
  'own-customer': 'c-a1',
  'same-tenant-other-customer': 'c-a2',
  'other-tenant-customer': 'c-b1',
};

// Read across: the expected answer for each target. Columns are the Target values, in order.
// biome-ignore format: an aligned table is the point
const TABLE: ReadonlyArray<readonly [Role, ToolName, Expected, Expected, Expected]> = [
  // role      tool               own-customer  same-tenant   other-tenant
  ['agent',    'lookup_customer', 'ok',         'ok',         'NOT_FOUND'],
  ['agent',    'list_orders',     'ok',         'ok',         'NOT_FOUND'],
  ['agent',    'create_ticket',   'ok',         'ok',         'NOT_FOUND'],
  ['agent',    'get_order_status','ok',         'ok',         'NOT_FOUND'],
  ['auditor',  'lookup_customer', 'ok',         'ok',         'NOT_FOUND'],
  ['auditor',  'list_orders',     'ok',         'ok',         'NOT_FOUND'],
  ['auditor',  'create_ticket',   'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN'],
  ['auditor',  'get_order_status','ok',         'ok',         'NOT_FOUND'],
  ['customer', 'lookup_customer', 'ok',         'NOT_FOUND',  'NOT_FOUND'],
  ['customer', 'list_orders',     'ok',         'NOT_FOUND',  'NOT_FOUND'],
  ['customer', 'create_ticket',   'ok',         'NOT_FOUND',  'NOT_FOUND'],
  ['customer', 'get_order_status','ok',         'NOT_FOUND',  'NOT_FOUND'],
  ['manager',  'lookup_customer', 'ok',         'ok',         'NOT_FOUND'],
  ['manager',  'list_orders',     'ok',         'ok',         'NOT_FOUND'],
  ['manager',  'create_ticket',   'ok',         'ok',         'NOT_FOUND'],
  ['manager',  'get_order_status','ok',         'ok',         'NOT_FOUND'],
  ['billing_admin', 'get_order_status', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ['billing_admin', 'lookup_customer', 'ok',    'ok',         'NOT_FOUND'],
  ['billing_admin', 'list_orders',  'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ['billing_admin', 'create_ticket', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
  ['billing_admin', 'update_billing', 'ok',     'ok',         'NOT_FOUND'],
  ['agent',    'update_billing',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN'],
  ['auditor',  'update_billing',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN'],
  ['customer', 'update_billing',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN'],
  ['manager',  'update_billing',  'FORBIDDEN',  'FORBIDDEN',  'FORBIDDEN'],
];
// The tools that name no customer: one answer per role.
// biome-ignore format: an aligned table is the point
const TENANT_TABLE: ReadonlyArray<readonly [Role, TenantTool, Expected]> = [
  ['agent',         'search_knowledge_base', 'ok'],
  ['auditor',       'search_knowledge_base', 'ok'],
  ['customer',      'search_knowledge_base', 'ok'],
  ['manager',       'search_knowledge_base', 'ok'],
  ['billing_admin', 'search_knowledge_base', 'FORBIDDEN'],
  ['agent',         'analytics_summary',     'FORBIDDEN'],
  ['auditor',       'analytics_summary',     'FORBIDDEN'],
  ['customer',      'analytics_summary',     'FORBIDDEN'],
  ['manager',       'analytics_summary',     'ok'],
  ['billing_admin', 'analytics_summary',     'FORBIDDEN'],
];
const TARGETS: readonly Target[] = ['own-customer', 'same-tenant-other-customer', 'other-tenant-customer'];
const EXPECTED = TABLE.flatMap(([role, tool, ...answers]) =>
  TARGETS.map((target, i) => [role, tool, target, answers[i] as Expected] as const),
);

const DATASET = {
  tenants: [
    { id: 't-alpha', name: 'Alpha' },
    { id: 't-beta', name: 'Beta' },
  ],
  customers: [
    { id: 'c-a1', tenantId: 't-alpha', name: 'Ada', email: 'ada@alpha.test', tier: 'gold' },
    { id: 'c-a2', tenantId: 't-alpha', name: 'Alan', email: 'alan@alpha.test', tier: 'basic' },
    { id: 'c-b1', tenantId: 't-beta', name: 'Barbara', email: 'barbara@beta.test', tier: 'gold' },
    { id: 'c-b2', tenantId: 't-beta', name: 'Brian', email: 'brian@beta.test', tier: 'basic' },
  ],
  orders: [
    { id: 'o-1', customerId: 'c-a1', status: 'shipped', totalCents: 1250, createdAt: '2026-01-01T10:00:00Z' },
    { id: 'o-2', customerId: 'c-a1', status: 'open', totalCents: 990, createdAt: '2026-02-01T10:00:00Z' },
    { id: 'o-3', customerId: 'c-a2', status: 'open', totalCents: 4200, createdAt: '2026-01-15T10:00:00Z' },
    { id: 'o-4', customerId: 'c-b1', status: 'open', totalCents: 100, createdAt: '2026-01-20T10:00:00Z' },
  ],
  articles: [
    {
      id: 'kb-a1',
      tenantId: 't-alpha',
      title: 'Refunds',
      body: 'How a refund is issued.',
      visibility: 'public' as const,
    },
    {
      id: 'kb-a2',
      tenantId: 't-alpha',
      title: 'Refund exceptions',
      body: 'When to refuse refunds.',
      visibility: 'internal' as const,
    },
    {
      id: 'kb-a3',
      tenantId: 't-alpha',
      title: 'Shipping',
      body: 'Parcels ship in two days.',
      visibility: 'public' as const,
    },
    {
      id: 'kb-b1',
      tenantId: 't-beta',
      title: 'Refunds at Beta',
      body: 'Beta refunds in a week.',
      visibility: 'public' as const,
    },
  ],
};

const BUILD_ID = 'authz-test-build';
const CORRELATION = 'mcp-chaos/correlation-id';

type Claims = Parameters<StartedEnvironment['token']>[0];

let env: StartedEnvironment | undefined;
let sigtermChild: ChildProcess | undefined;
const clients: Client[] = [];

beforeAll(async () => {
  env = await new Environment()
    .withRuntime('local')
    .withTarget(referenceTarget({ buildId: BUILD_ID }))
    .start();
  // Replaces the generated dataset; it throws unless the target accepts every row.
  await env.admin.loadDataset(DATASET);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  if (sigtermChild && sigtermChild.exitCode === null && sigtermChild.signalCode === null) {
    const exited = new Promise((resolve) => sigtermChild?.once('exit', resolve));
    sigtermChild.kill('SIGKILL');
    await exited;
  }
  await env?.stop();
});

function started(): StartedEnvironment {
  if (!env) throw new Error('the environment did not start');
  return env;
}

async function connect(claims: Claims): Promise<Client> {
  const client = new Client({ name: 'authz-test', version: '1.0.0' });
  const headers = { Authorization: `Bearer ${await started().token(claims)}` };
  await client.connect(
    new StreamableHTTPClientTransport(new URL(started().mcpUrl), { requestInit: { headers } }),
  );
  // Listing caches the advertised schemas in the client, so this also proves error results pass them.
  await client.listTools();
  clients.push(client);
  return client;
}

const clientFor = (role: Role): Promise<Client> =>
  connect(role === 'customer' ? { tenant: 't-alpha', role, customer: 'c-a1' } : { tenant: 't-alpha', role });

/** A well-formed token with valid claims, signed by a key the target's JWKS does not hold. */
async function forgedToken(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return await new SignJWT({ tenant: 't-alpha', role: 'agent' })
    .setProtectedHeader({ alg: 'ES256', kid: 'forged-key' })
    .setIssuer('mcp-chaos-identity')
    .setAudience('mcp-reference-server')
    .setSubject('forger')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
}

/** Resolves with the admin URL from the server's "listening" log line (it binds ports 0). */
function listeningAdminUrl(child: ChildProcess, log: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server not listening after 30s:\n${log.join('\n')}`)),
      30_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${log.join('\n')}`));
    });
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => log.push(line));
    if (!child.stdout) return reject(new Error('no stdout'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.push(line);
      let entry: { msg?: string; adminPort?: number } = {};
      try {
        entry = JSON.parse(line);
      } catch {}
      if (entry.msg === 'mcp-reference-server listening') {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${entry.adminPort}`);
      }
    });
  });
}

async function waitForReady(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs}ms; server log tail:\n${logs()}`);
}

// get_order_status asks for an order of the target customer instead.
const ORDER_OF: Record<string, string> = { 'c-a1': 'o-1', 'c-a2': 'o-3', 'c-b1': 'o-4' };
const CARD = '4000056655665556';

function argumentsFor(tool: ToolName, customerId: string): Record<string, unknown> {
  if (tool === 'get_order_status') return { orderId: ORDER_OF[customerId] };
  if (tool === 'update_billing') {
    const idempotencyKey = `key-${randomUUID()}`;
    return {
      customerId,
      billingEmail: 'billing@alpha.test',
      plan: 'premium',
      cardNumber: CARD,
      idempotencyKey,
    };
  }
  if (tool !== 'create_ticket') return { customerId };
  return { customerId, subject: 'Parcel late', body: 'Where is it?', idempotencyKey: `key-${randomUUID()}` };
}

/** Every row of the reference server's billing tables, as text: what a dump of the database would show. */
async function billingRows(): Promise<string> {
  const client = new pg.Client({ connectionString: started().postgresUrl });
  await client.connect();
  try {
    const profiles = await client.query('SELECT * FROM billing_profiles');
    const updates = await client.query('SELECT * FROM billing_updates');
    return JSON.stringify([profiles.rows, updates.rows]);
  } finally {
    await client.end();
  }
}

const outcome = (result: CallToolResult): string =>
  result.isError ? (result.structuredContent as { error: { code: string } }).error.code : 'ok';

describe('reference server authorization (real stack)', () => {
  it.each(EXPECTED)('%s %s on %s → %s', async (role, tool, target, expected) => {
    const client = await clientFor(role);
    const customerId = TARGET_IDS[target];
    const result = (await client.callTool({
      name: tool,
      arguments: argumentsFor(tool, customerId),
    })) as CallToolResult;
    expect(outcome(result)).toBe(expected);
    expect(result.content[0]).toEqual({ type: 'text', text: JSON.stringify(result.structuredContent) });
    if (expected === 'ok' && tool === 'lookup_customer') {
      expect(result.structuredContent).toEqual({
        customer: DATASET.customers.find((c) => c.id === customerId),
      });
    }
    if (expected === 'ok' && tool === 'list_orders') {
      const ids = (result.structuredContent as { orders: { id: string }[] }).orders.map((o) => o.id);
      expect(ids).toEqual(customerId === 'c-a1' ? ['o-2', 'o-1'] : ['o-3']);
    }
    if (expected === 'ok' && tool === 'get_order_status') {
      const orderId = ORDER_OF[customerId] ?? '';
      const { carrier, status, eta } = shippingStatusOf(orderId);
      expect(result.structuredContent).toMatchObject({
        order: { id: orderId, customerId },
        shipping: { available: true, carrier, status, eta },
      });
    }
  });

  it.each(TENANT_TABLE)('%s %s → %s', async (role, tool, expected) => {
    const client = await clientFor(role);
    const args = tool === 'search_knowledge_base' ? { query: 'refund' } : {};
    const result = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
    expect(outcome(result)).toBe(expected);
  });

  it("searches the caller's tenant, stemmed and ranked; a customer finds public articles only", async () => {
    const ids = async (role: Role) => {
      const client = await clientFor(role);
      const result = await client.callTool({
        name: 'search_knowledge_base',
        arguments: { query: 'refunds' },
      });
      return (result.structuredContent as { results: { id: string }[] }).results.map((r) => r.id).sort();
    };
    expect(await ids('agent')).toEqual(['kb-a1', 'kb-a2']);
    expect(await ids('customer')).toEqual(['kb-a1']);
    const agent = await clientFor('agent');
    const one = await agent.callTool({
      name: 'search_knowledge_base',
      arguments: { query: 'refund', limit: 1 },
    });
    expect((one.structuredContent as { results: unknown[] }).results).toHaveLength(1);
  });

  it("sums the manager's own tenant only", async () => {
    const manager = await clientFor('manager');
    const result = await manager.callTool({ name: 'analytics_summary', arguments: {} });
    const openTickets = (await started().admin.tickets()).filter((t) => t.tenantId === 't-alpha').length;
    expect(result.structuredContent).toEqual({
      tenantId: 't-alpha',
      customers: { total: 2, byTier: { gold: 1, basic: 1 } },
      orders: {
        total: 3,
        byStatus: { shipped: { count: 1, totalCents: 1250 }, open: { count: 2, totalCents: 5190 } },
      },
      openTickets,
      articles: 3,
    });
  });

  it('updates billing once per idempotency key and never stores the card number', async () => {
    const client = await clientFor('billing_admin');
    const args = argumentsFor('update_billing', 'c-a2');
    const first = await client.callTool({ name: 'update_billing', arguments: args });
    const again = await client.callTool({ name: 'update_billing', arguments: args });
    const a = first.structuredContent as {
      billing: { card: { token: string; last4: string } };
      replayed: boolean;
    };
    const b = again.structuredContent as typeof a;
    expect([a.replayed, b.replayed]).toEqual([false, true]);
    expect(b.billing).toEqual(a.billing);
    expect(a.billing.card.last4).toBe('5556');
    expect(JSON.stringify([first, again])).not.toContain(CARD);
    const rows = await billingRows();
    expect(rows).not.toContain(CARD);
    expect(rows.split(String(args.idempotencyKey)).length - 1).toBe(1);
    // The end-of-run snapshot writesExactlyOnce reads: ids and keys only.
    const updates = (await started().admin.billingUpdates()) ?? [];
    expect(updates.filter((u) => u.idempotencyKey === args.idempotencyKey)).toEqual([
      {
        id: expect.any(String),
        tenantId: 't-alpha',
        customerId: 'c-a2',
        idempotencyKey: args.idempotencyKey,
      },
    ]);
    const other = await client.callTool({ name: 'update_billing', arguments: { ...args, plan: 'free' } });
    expect(outcome(other as CallToolResult)).toBe('INVALID_ARGUMENT');
  });

  it('answers another tenant’s customer exactly like a customer that does not exist', async () => {
    const client = await clientFor('agent');
    const foreign = await client.callTool({ name: 'lookup_customer', arguments: { customerId: 'c-b1' } });
    const missing = await client.callTool({ name: 'lookup_customer', arguments: { customerId: 'c-nope' } });
    expect(foreign.structuredContent).toEqual(missing.structuredContent);
    expect(foreign.content).toEqual(missing.content);
  });

  it('rejects a missing or invalid token with HTTP 401 and a JSON-RPC error', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${await forgedToken()}`]) {
      const response = await fetch(started().mcpUrl, {
        method: 'POST',
        body,
        headers: authorization ? { ...headers, authorization } : headers,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('x-build-id')).toBe(BUILD_ID);
      const json = (await response.json()) as { error: { code: number; message: string } };
      expect(json.error.code).toBe(-32001);
      expect(json.error.message).toMatch(/^UNAUTHENTICATED: /);
    }
  });

  it('sends x-build-id on authenticated MCP responses too', async () => {
    const token = await started().token({ tenant: 't-alpha', role: 'agent' });
    const response = await fetch(started().mcpUrl, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-build-id')).toBe(BUILD_ID);
    const { result } = (await response.json()) as { result: { tools: { name: string }[] } };
    expect(result.tools.map((t) => t.name).sort()).toEqual([
      'analytics_summary',
      'create_ticket',
      'get_order_status',
      'list_orders',
      'lookup_customer',
      'search_knowledge_base',
      'update_billing',
    ]);
  });

  it('echoes the correlation id with the build id on success and on error', async () => {
    const client = await clientFor('agent');
    for (const args of [{ customerId: 'c-a1' }, { customerId: 'c-b2' }, { customerId: '' }]) {
      const id = randomUUID();
      const result = await client.callTool({
        name: 'lookup_customer',
        arguments: args,
        _meta: { [CORRELATION]: id },
      });
      expect(result._meta).toEqual({ [CORRELATION]: id, 'mcp-chaos/build-id': BUILD_ID });
    }
    const invalid = await client.callTool({
      name: 'list_orders',
      arguments: { customerId: 'c-a1', limit: 0 },
    });
    expect(outcome(invalid as CallToolResult)).toBe('INVALID_ARGUMENT');
    expect(invalid._meta).toEqual({ 'mcp-chaos/build-id': BUILD_ID });
  });

  it('creates a ticket exactly once per idempotency key', async () => {
    const client = await clientFor('customer');
    const args = {
      customerId: 'c-a1',
      subject: 'Refund',
      body: 'Please refund o-1',
      idempotencyKey: `once-${randomUUID()}`,
    };
    const first = await client.callTool({ name: 'create_ticket', arguments: args });
    const second = await client.callTool({ name: 'create_ticket', arguments: args });
    const a = first.structuredContent as { ticket: { id: string }; replayed: boolean };
    const b = second.structuredContent as { ticket: { id: string }; replayed: boolean };
    expect([a.replayed, b.replayed]).toEqual([false, true]);
    expect(b.ticket).toEqual(a.ticket);
    const tickets = await started().admin.tickets();
    expect(tickets.filter((t) => t.idempotencyKey === args.idempotencyKey)).toHaveLength(1);
  });

  it('serves the hand-written dataset in place of the generated one', async () => {
    const generated = started().dataset.customers[0];
    if (!generated) throw new Error('the generated dataset has no customers');
    const stale = await connect({ tenant: generated.tenantId, role: 'agent' });
    const gone = await stale.callTool({ name: 'lookup_customer', arguments: { customerId: generated.id } });
    expect(outcome(gone as CallToolResult)).toBe('NOT_FOUND');
    const beta = await connect({ tenant: 't-beta', role: 'agent' });
    const brian = await beta.callTool({ name: 'lookup_customer', arguments: { customerId: 'c-b2' } });
    expect(brian.structuredContent).toEqual({ customer: DATASET.customers.find((c) => c.id === 'c-b2') });
    const orders = await beta.callTool({ name: 'list_orders', arguments: { customerId: 'c-b1' } });
    expect((orders.structuredContent as { orders: { id: string }[] }).orders.map((o) => o.id)).toEqual([
      'o-4',
    ]);
  });

  it('exits 0 on SIGTERM', async () => {
    // StartedTarget.kill() does not report the exit status, so this one case runs its own server
    // process (same command and settings as the environment's target) against the environment's
    // PostgreSQL. It makes no MCP call, so its JWKS URL is never fetched.
    const { local, env: settings } = started().targetDefinition;
    const log: string[] = [];
    const server = spawn(local.command, local.args, {
      cwd: local.cwd,
      env: {
        ...process.env,
        ...settings,
        MCP_HOST: '127.0.0.1',
        MCP_PORT: '0',
        ADMIN_PORT: '0',
        DATABASE_URL: started().postgresUrl,
        JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json',
        SHIPPING_URL: 'http://127.0.0.1:9',
        ADMIN_TOKEN: randomUUID(),
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sigtermChild = server;
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    const adminUrl = await listeningAdminUrl(server, log);
    await waitForReady(`${adminUrl}/readyz`, 30_000, () => log.slice(-20).join('\n'));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
