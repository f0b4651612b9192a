import { describe, expect, it } from 'vitest';
import type { Customer, Principal } from '../domain.ts';
import {
  mayReadInternalArticles,
  mayRequestCustomer,
  maySeeCustomer,
  maySeeOrder,
  mayUseTool,
} from './policy.ts';

const agent: Principal = { subject: 'u1', tenant: 't1', role: 'agent' };
const auditor: Principal = { subject: 'u2', tenant: 't1', role: 'auditor' };
const customer: Principal = { subject: 'u3', tenant: 't1', role: 'customer', customer: 'c1' };
const record = (id: string, tenantId: string): Customer => ({
  id,
  tenantId,
  name: 'n',
  email: 'e',
  tier: 'gold',
});

describe('policy', () => {
  it('lets only agents and customers create tickets', () => {
    expect(mayUseTool(agent, 'create_ticket')).toBe(true);
    expect(mayUseTool(customer, 'create_ticket')).toBe(true);
    expect(mayUseTool(auditor, 'create_ticket')).toBe(false);
    expect(mayUseTool(auditor, 'lookup_customer')).toBe(true);
    expect(mayUseTool(auditor, 'list_orders')).toBe(true);
  });

  it('lets agents, auditors and customers ask for an order status', () => {
    for (const who of [agent, auditor, customer]) expect(mayUseTool(who, 'get_order_status')).toBe(true);
  });

  it("shows an order only in the caller's tenant, and to a customer only its own", () => {
    const order = (customerId: string, tenantId: string) => ({
      tenantId,
      order: {
        id: 'o1',
        customerId,
        status: 'shipped',
        totalCents: 100,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    });
    expect(maySeeOrder(agent, order('c2', 't1'))).toBe(true);
    expect(maySeeOrder(auditor, order('c2', 't1'))).toBe(true);
    expect(maySeeOrder(agent, order('c2', 't2'))).toBe(false);
    expect(maySeeOrder(customer, order('c1', 't1'))).toBe(true);
    expect(maySeeOrder(customer, order('c2', 't1'))).toBe(false);
    expect(maySeeOrder(customer, order('c1', 't2'))).toBe(false);
    expect(maySeeOrder(agent, undefined)).toBe(false);
  });

  it('keeps billing to billing admins and analytics to managers (the whole table: src/mcp/server.test.ts)', () => {
    const manager: Principal = { subject: 'u4', tenant: 't1', role: 'manager' };
    const billing: Principal = { subject: 'u5', tenant: 't1', role: 'billing_admin' };
    expect(mayUseTool(billing, 'update_billing')).toBe(true);
    expect(mayUseTool(manager, 'update_billing')).toBe(false);
    expect(mayUseTool(manager, 'analytics_summary')).toBe(true);
    expect(mayUseTool(agent, 'analytics_summary')).toBe(false);
  });

  it('shows internal knowledge-base articles to staff only', () => {
    expect(mayReadInternalArticles(agent)).toBe(true);
    expect(mayReadInternalArticles(auditor)).toBe(true);
    expect(mayReadInternalArticles(customer)).toBe(false);
  });

  it('scopes staff to their tenant', () => {
    expect(maySeeCustomer(agent, record('c2', 't1'))).toBe(true);
    expect(maySeeCustomer(auditor, record('c2', 't1'))).toBe(true);
    expect(maySeeCustomer(agent, record('c9', 't2'))).toBe(false);
    expect(maySeeCustomer(agent, undefined)).toBe(false);
  });

  it('scopes a customer to itself, in its own tenant only', () => {
    expect(maySeeCustomer(customer, record('c1', 't1'))).toBe(true);
    expect(maySeeCustomer(customer, record('c2', 't1'))).toBe(false);
    expect(maySeeCustomer(customer, record('c1', 't2'))).toBe(false);
    expect(mayRequestCustomer(customer, 'c2')).toBe(false);
    expect(mayRequestCustomer(customer, 'c1')).toBe(true);
    expect(mayRequestCustomer(agent, 'anything')).toBe(true);
  });
});
