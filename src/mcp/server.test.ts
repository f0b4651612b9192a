import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../audit/entry.ts';
import type { Repository } from '../db/repository.ts';
import { selectDefects } from '../defects/index.ts';
import { type Principal, ROLES, TOOL_NAMES } from '../domain.ts';
import { createMetrics } from '../metrics.ts';
import { createOverloadGuard, type OverloadGuard, UNGUARDED } from '../overload/index.ts';
import type { DispatchDeps } from './dispatch.ts';
import { createMcpServer } from './server.ts';

// Pure MCP-layer logic with a repository stub: no PostgreSQL is claimed here (the integration
// test covers the real database).
const ada = { id: 'c1', tenantId: 't1', name: 'Ada', email: 'ada@x.test', tier: 'gold' };

function stubRepository(calls: string[], failWith?: Error): Repository {
  const guard = (name: string) => {
    calls.push(name);
    if (failWith) throw failWith;
  };
  return {
    async findOrder(tenantId, orderId) {
      guard('findOrder');
      if (tenantId !== 't1' || orderId !== 'o1') return undefined;
      const order = { id: 'o1', customerId: 'c1', status: 'shipped', totalCents: 100, createdAt: 'now' };
      return { tenantId: 't1', order };
    },
    async findCustomer(tenantId, customerId) {
      guard('findCustomer');
      return tenantId === ada.tenantId && customerId === ada.id ? ada : undefined;
    },
    async listTenantCustomers() {
      guard('listTenantCustomers');
      return [ada];
    },
    async listTenantIds() {
      guard('listTenantIds');
      return ['t1'];
    },
    async listOrders() {
      guard('listOrders');
      return [];
    },
    async createTicket(ticket) {
      guard('createTicket');
      const { body, ...rest } = ticket;
      const stored = { ...rest, id: 'tk1', status: 'open' as const, createdAt: 'now' };
      return { stored: { ticket: stored, body }, replayed: false };
    },
    async searchArticles() {
      guard('searchArticles');
      return [];
    },
    async updateBilling(update) {
      guard('updateBilling');
      const { customerId, billingEmail, plan, cardToken: token, cardLast4: last4 } = update;
      const profile = { customerId, billingEmail, plan, card: { token, last4 }, updatedAt: 'now' };
      return { profile, replayed: false };
    },
    async tenantAnalytics() {
      guard('tenantAnalytics');
      return { customers: 1, customersByTier: { gold: 1 }, ordersByStatus: {}, openTickets: 0, articles: 0 };
    },
  };
}

async function connect(
  principal: Principal,
  options: {
    failWith?: Error;
    schemaReady?: boolean;
    auditFails?: boolean;
    overload?: OverloadGuard;
    /** How long an entry takes to become durable (default: at once). */
    auditDurable?: (entry: AuditEntry) => Promise<void>;
  } = {},
) {
  const calls: string[] = [];
  const audited: AuditEntry[] = [];
  const fakePool = { totalCount: 0, idleCount: 0, waitingCount: 0, options: { max: 10 } } as pg.Pool;
  const deps: DispatchDeps = {
    buildId: 'unit-build',
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(fakePool, selectDefects('none')),
    schema: { ready: options.schemaReady ?? true },
    audit: {
      async record(entry) {
        if (options.auditFails) throw new Error('spool: disk full');
        audited.push(entry);
        await options.auditDurable?.(entry);
      },
    },
    context: { repository: stubRepository(calls, options.failWith), defects: selectDefects('none') },
    overload: options.overload ?? UNGUARDED,
  };
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(deps, principal).connect(serverSide);
  const client = new Client({ name: 'unit', version: '1.0.0' });
  await client.connect(clientSide);
  await client.listTools();
  const call = async (name: string, args: Record<string, unknown>) =>
    (await client.callTool({
      name,
      arguments: args,
      _meta: { 'mcp-chaos/correlation-id': 'corr-1' },
    })) as CallToolResult;
  return { client, call, calls, deps, audited };
}

const agent: Principal = { subject: 'u', tenant: 't1', role: 'agent' };
const auditor: Principal = { subject: 'u', tenant: 't1', role: 'auditor' };
const errorOf = (result: CallToolResult) =>
  (result.structuredContent as { error: { code: string; message: string } }).error;

// Every role × every tool, written out by hand (deriving it from the policy would only prove the
// policy agrees with itself): 'ok' where the role may call the tool, FORBIDDEN where it may not.
const VALID_ARGS: Record<string, Record<string, unknown>> = {
  lookup_customer: { customerId: 'c1' },
  list_orders: { customerId: 'c1' },
  create_ticket: { customerId: 'c1', subject: 's', body: 'b', idempotencyKey: 'key-00000001' },
  get_order_status: { orderId: 'o1' },
  search_knowledge_base: { query: 'refund' },
  update_billing: {
    customerId: 'c1',
    billingEmail: 'billing@x.test',
    plan: 'premium',
    cardNumber: '4242424242424242',
    idempotencyKey: 'key-00000002',
  },
  analytics_summary: {},
};
// biome-ignore format: an aligned table is the point
const AUTHORIZATION: ReadonlyArray<readonly [Principal['role'], string, 'ok' | 'FORBIDDEN']> = [
  ['agent',         'lookup_customer',       'ok'],
  ['agent',         'list_orders',           'ok'],
  ['agent',         'create_ticket',         'ok'],
  ['agent',         'get_order_status',      'ok'],
  ['agent',         'search_knowledge_base', 'ok'],
  ['agent',         'update_billing',        'FORBIDDEN'],
  ['agent',         'analytics_summary',     'FORBIDDEN'],
  ['auditor',       'lookup_customer',       'ok'],
  ['auditor',       'list_orders',           'ok'],
  ['auditor',       'create_ticket',         'FORBIDDEN'],
  ['auditor',       'get_order_status',      'ok'],
  ['auditor',       'search_knowledge_base', 'ok'],
  ['auditor',       'update_billing',        'FORBIDDEN'],
  ['auditor',       'analytics_summary',     'FORBIDDEN'],
  ['customer',      'lookup_customer',       'ok'],
  ['customer',      'list_orders',           'ok'],
  ['customer',      'create_ticket',         'ok'],
  ['customer',      'get_order_status',      'ok'],
  ['customer',      'search_knowledge_base', 'ok'],
  ['customer',      'update_billing',        'FORBIDDEN'],
  ['customer',      'analytics_summary',     'FORBIDDEN'],
  ['manager',       'lookup_customer',       'ok'],
  ['manager',       'list_orders',           'ok'],
  ['manager',       'create_ticket',         'ok'],
  ['manager',       'get_order_status',      'ok'],
  ['manager',       'search_knowledge_base', 'ok'],
  ['manager',       'update_billing',        'FORBIDDEN'],
  ['manager',       'analytics_summary',     'ok'],
  ['billing_admin', 'lookup_customer',       'ok'],
  ['billing_admin', 'list_orders',           'FORBIDDEN'],
  ['billing_admin', 'create_ticket',         'FORBIDDEN'],
  ['billing_admin', 'get_order_status',      'FORBIDDEN'],
  ['billing_admin', 'search_knowledge_base', 'FORBIDDEN'],
  ['billing_admin', 'update_billing',        'ok'],
  ['billing_admin', 'analytics_summary',     'FORBIDDEN'],
];

describe('authorization table', () => {
  it('covers every role and every tool', () => {
    const pairs = AUTHORIZATION.map(([role, tool]) => `${role} ${tool}`);
    const every = ROLES.flatMap((role) => TOOL_NAMES.map((tool) => `${role} ${tool}`));
    expect([...pairs].sort()).toEqual([...every].sort());
  });

  it.each(AUTHORIZATION)('%s calling %s: %s', async (role, tool, expected) => {
    const principal: Principal =
      role === 'customer'
        ? { subject: 'u', tenant: 't1', role, customer: 'c1' }
        : { subject: 'u', tenant: 't1', role };
    const { call, calls, audited } = await connect(principal);
    const result = await call(tool, VALID_ARGS[tool] ?? {});
    if (expected === 'FORBIDDEN') {
      expect(errorOf(result)).toEqual({ code: 'FORBIDDEN', message: `role ${role} may not call ${tool}` });
      expect(calls).toEqual([]); // refused before any lookup
    } else {
      expect(result.isError, JSON.stringify(result.structuredContent)).toBeUndefined();
      expect(calls.length).toBeGreaterThan(0);
    }
    expect(audited.map((e) => e.outcome)).toEqual([expected === 'ok' ? 'OK' : 'FORBIDDEN']);
  });
});

describe('MCP layer', () => {
  it('advertises the tools with their input schemas', async () => {
    const { client } = await connect(agent);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      'lookup_customer',
      'list_orders',
      'create_ticket',
      'get_order_status',
      'search_knowledge_base',
      'update_billing',
      'analytics_summary',
    ]);
    expect(tools[2]?.inputSchema.required).toEqual(['customerId', 'subject', 'body', 'idempotencyKey']);
  });

  it('returns structured content, the same JSON as text, and the correlation echo', async () => {
    const { call } = await connect(agent);
    const result = await call('lookup_customer', { customerId: 'c1' });
    expect(result.isError).toBeUndefined();
    expect(result.structuredContent).toEqual({ customer: ada });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ customer: ada }) }]);
    expect(result._meta).toEqual({
      'mcp-chaos/correlation-id': 'corr-1',
      'mcp-chaos/build-id': 'unit-build',
    });
  });

  it('refuses a forbidden tool before touching the repository', async () => {
    const { call, calls } = await connect(auditor);
    const result = await call('create_ticket', {
      customerId: 'c1',
      subject: 's',
      body: 'b',
      idempotencyKey: '12345678',
    });
    expect(errorOf(result).code).toBe('FORBIDDEN');
    expect(calls).toEqual([]);
  });

  it('answers bad arguments with INVALID_ARGUMENT as a tool result', async () => {
    const { call, calls } = await connect(agent);
    const result = await call('create_ticket', {
      customerId: 'c1',
      subject: 's',
      body: 'b',
      idempotencyKey: 'short',
    });
    expect(result.isError).toBe(true);
    expect(errorOf(result)).toEqual({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('idempotencyKey'),
    });
    expect(result._meta?.['mcp-chaos/build-id']).toBe('unit-build');
    expect(calls).toEqual([]);
  });

  it('answers an unknown tool with a JSON-RPC error', async () => {
    const { call } = await connect(agent);
    await expect(call('drop_tables', {})).rejects.toThrow(/not found/);
  });

  it('maps database failures to stable codes without leaking details', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const { call, deps } = await connect(agent, { failWith: down });
    const result = await call('list_orders', { customerId: 'c1' });
    expect(errorOf(result)).toEqual({
      code: 'DEPENDENCY_UNAVAILABLE',
      message: 'the database is unavailable; retry in a few seconds',
    });
    expect(JSON.stringify(result)).not.toContain('10.1.2.3');
    const metrics = await deps.metrics.registry.metrics();
    expect(metrics).toContain('mcp_tool_calls_total{tool="list_orders",code="DEPENDENCY_UNAVAILABLE"} 1');
  });

  it('says DEPENDENCY_UNAVAILABLE while the schema does not exist yet', async () => {
    const { call } = await connect(agent, { schemaReady: false });
    expect(errorOf(await call('lookup_customer', { customerId: 'c1' })).code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('audits every call, refused ones too, with ids and outcome but no argument values', async () => {
    const { call, audited } = await connect(auditor);
    await call('lookup_customer', { customerId: 'c1' });
    await call('create_ticket', {
      customerId: 'c1',
      subject: 'secret subject',
      body: 'b',
      idempotencyKey: '12345678',
    });
    expect(audited).toMatchObject([
      {
        tool: 'lookup_customer',
        outcome: 'OK',
        recordIds: ['c1'],
        correlationId: 'corr-1',
        tenantId: 't1',
        role: 'auditor',
      },
      { tool: 'create_ticket', outcome: 'FORBIDDEN', recordIds: ['c1'], correlationId: 'corr-1' },
    ]);
    expect(new Set(audited.map((e) => e.id)).size).toBe(2);
    expect(JSON.stringify(audited)).not.toContain('secret subject');
  });

  it('does not acknowledge a call whose audit entry could not be made durable', async () => {
    const { call, deps } = await connect(agent, { auditFails: true });
    const result = await call('lookup_customer', { customerId: 'c1' });
    expect(errorOf(result)).toEqual({ code: 'INTERNAL', message: expect.stringContaining('audit log') });
    expect(JSON.stringify(result)).not.toContain('disk full');
    expect(await deps.metrics.registry.metrics()).toContain(
      'mcp_tool_calls_total{tool="lookup_customer",code="INTERNAL"} 1',
    );
  });

  it("sheds a call over the caller's rate before the tool runs, with the retry-after figure", async () => {
    const overload = createOverloadGuard(
      {
        maxConcurrentCalls: 10,
        maxConcurrentPerPrincipal: 5,
        rate: { perSecond: 1, burst: 1, maxPrincipals: 10 },
        busyRetryAfterMs: 500,
      },
      { now: () => 0 },
    );
    // The shed's entry is written but never becomes durable here: the answer must not wait for it.
    const { call, calls, deps, audited } = await connect(agent, {
      overload,
      auditDurable: (entry) =>
        entry.outcome === 'RATE_LIMITED' ? new Promise(() => undefined) : Promise.resolve(),
    });
    expect((await call('lookup_customer', { customerId: 'c1' })).isError).toBeUndefined();
    const shed = await call('lookup_customer', { customerId: 'c1' });
    expect(shed.isError).toBe(true);
    expect(errorOf(shed)).toEqual({
      code: 'RATE_LIMITED',
      message: 'busy, retry after 1000 ms (over the limit of 1 calls/s per caller)',
      retryAfterMs: 1000,
    });
    expect(shed._meta?.['mcp-chaos/correlation-id']).toBe('corr-1');
    expect(calls).toEqual(['findCustomer']);
    expect(audited.map((e) => e.outcome)).toEqual(['OK', 'RATE_LIMITED']);
    const metrics = await deps.metrics.registry.metrics();
    expect(metrics).toContain('mcp_tool_calls_total{tool="lookup_customer",code="RATE_LIMITED"} 1');
  });

  it('audits storable strings only: no NUL or lone surrogate, no refused argument text', async () => {
    const { client, audited } = await connect(agent);
    await client.callTool({
      name: 'lookup_customer',
      arguments: { customerId: 'c1' },
      _meta: { 'mcp-chaos/correlation-id': 'co\u0000rr-\ud800x' },
    });
    await client.callTool({ name: 'lookup_customer', arguments: { customerId: '' } });
    expect(audited[0]?.correlationId).toBe('corr-\ufffdx');
    expect(audited[1]).toMatchObject({ outcome: 'INVALID_ARGUMENT', recordIds: [] });
  });
});
