import type pg from 'pg';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Repository } from '../db/repository.ts';
import { selectDefects } from '../defects/index.ts';
import { type DispatchDeps, dispatchToolCall } from '../mcp/dispatch.ts';
import { createMetrics } from '../metrics.ts';
import { UNGUARDED } from '../overload/index.ts';
import { TOOLS } from '../tools/index.ts';
import { ToolFlags } from './flags.ts';
import { registerFlagGauge } from './metrics.ts';

const fakePool = { totalCount: 0, idleCount: 0, waitingCount: 0, options: { max: 10 } } as pg.Pool;
const createTicket = TOOLS.find((tool) => tool.name === 'create_ticket');

describe('ToolFlags', () => {
  it('starts with every tool on but those configured off, and flips at run time', () => {
    const flags = new ToolFlags(['create_ticket']);
    expect(flags.isEnabled('lookup_customer')).toBe(true);
    expect(flags.isEnabled('create_ticket')).toBe(false);
    const state = flags.set('create_ticket', true, new Date('2026-01-01T00:00:00Z'));
    expect(state).toEqual({ enabled: true, changedAt: '2026-01-01T00:00:00.000Z' });
    expect(flags.isEnabled('create_ticket')).toBe(true);
    expect(flags.snapshot()).toEqual({
      lookup_customer: { enabled: true },
      list_orders: { enabled: true },
      create_ticket: { enabled: true, changedAt: '2026-01-01T00:00:00.000Z' },
      get_order_status: { enabled: true },
      search_knowledge_base: { enabled: true },
      update_billing: { enabled: true },
      analytics_summary: { enabled: true },
    });
  });

  it('knows the tool names', () => {
    expect(ToolFlags.isTool('list_orders')).toBe(true);
    expect(ToolFlags.isTool('drop_tables')).toBe(false);
    expect(TOOLS.map((tool) => tool.name).sort()).toEqual(Object.keys(new ToolFlags().snapshot()).sort());
  });

  it('shows each switch as mcp_tool_enabled at scrape time', async () => {
    const metrics = createMetrics(fakePool, selectDefects('none'));
    const flags = new ToolFlags();
    registerFlagGauge(metrics.registry, flags);
    flags.set('list_orders', false);
    const text = await metrics.registry.metrics();
    expect(text).toContain('mcp_tool_enabled{tool="list_orders"} 0');
    expect(text).toContain('mcp_tool_enabled{tool="create_ticket"} 1');
  });
});

describe('a disabled tool', () => {
  it('answers TOOL_DISABLED, clearly, without touching the database', async () => {
    const touched: string[] = [];
    const repository = new Proxy({} as Repository, {
      get: (_target, name) => () => {
        touched.push(String(name));
        throw new Error('the database must not be reached');
      },
    });
    const flags = new ToolFlags(['create_ticket']);
    const deps: DispatchDeps = {
      buildId: 'unit-build',
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(fakePool, selectDefects('none')),
      audit: { record: async () => undefined },
      overload: UNGUARDED,
      schema: { ready: true },
      context: { repository, defects: selectDefects('none') },
      flags,
    };
    if (!createTicket) throw new Error('create_ticket is not a tool');
    const principal = { subject: 'a', tenant: 't1', role: 'agent' } as const;
    const args = { customerId: 'c1', subject: 's', body: 'b', idempotencyKey: 'k-1' };
    const meta = { 'mcp-chaos/correlation-id': 'corr-1' };
    const answer = await dispatchToolCall(deps, principal, createTicket, args, meta);
    expect(answer.isError).toBe(true);
    expect(answer.structuredContent).toEqual({
      error: {
        code: 'TOOL_DISABLED',
        message:
          'create_ticket is disabled by the operator; do not retry it now: use another tool, or try again later',
      },
    });
    expect(answer._meta).toMatchObject({ 'mcp-chaos/correlation-id': 'corr-1' });
    expect(touched).toEqual([]);
    expect(await deps.metrics.registry.metrics()).toContain(
      'mcp_tool_calls_total{tool="create_ticket",code="TOOL_DISABLED"} 1',
    );
  });
});
