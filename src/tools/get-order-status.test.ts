import { describe, expect, it } from 'vitest';
import { ReadCache } from '../cache/index.ts';
import type { OrderOwner, Repository } from '../db/repository.ts';
import { selectDefects } from '../defects/index.ts';
import type { Principal } from '../domain.ts';
import { classifyError } from '../errors.ts';
import type { ShipmentLookup } from '../upstream/index.ts';
import { getOrderStatus } from './get-order-status.ts';
import type { ToolContext } from './tool.ts';

const order = (id: string, customerId: string, tenantId: string): OrderOwner => ({
  tenantId,
  order: { id, customerId, status: 'shipped', totalCents: 1200, createdAt: '2026-01-02T00:00:00.000Z' },
});
const ORDERS = [order('o1', 'a1', 'ta'), order('o2', 'a2', 'ta'), order('o3', 'b1', 'tb')];

function setup(lookup: (orderId: string) => ShipmentLookup) {
  const asked: string[] = [];
  const repository = {
    // Scoped by tenant like the SQL: another tenant's order is simply not found.
    async findOrder(tenantId: string, orderId: string) {
      return ORDERS.find((o) => o.tenantId === tenantId && o.order.id === orderId);
    },
  } as unknown as Repository;
  const context = (principal: Principal): ToolContext => ({
    principal,
    repository,
    defects: selectDefects('none'),
    cache: { cache: new ReadCache({ ttlMs: 0, staleMs: 0, maxEntries: 10 }) },
    shipping: {
      async lookup(orderId) {
        asked.push(orderId);
        return lookup(orderId);
      },
    },
  });
  return { context, asked };
}

const agent = (tenant: string): Principal => ({ subject: `agent-${tenant}`, tenant, role: 'agent' });
const auditor: Principal = { subject: 'aud', tenant: 'ta', role: 'auditor' };
const customerA1: Principal = { subject: 'c', tenant: 'ta', role: 'customer', customer: 'a1' };
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: unknown) => classifyError(error).code,
  );
const shipped: ShipmentLookup = {
  outcome: 'ok',
  shipment: { orderId: 'o1', carrier: 'DHL', status: 'in_transit', eta: '2026-03-01' },
};

describe('get_order_status', () => {
  it('answers the order and its shipping status', async () => {
    const { context } = setup(() => shipped);
    expect(await getOrderStatus.invoke(context(agent('ta')), { orderId: 'o1' })).toEqual({
      order: ORDERS[0]?.order,
      shipping: { available: true, carrier: 'DHL', status: 'in_transit', eta: '2026-03-01' },
    });
  });

  it('lets agents and auditors of the tenant and the owning customer see an order, no one else', async () => {
    const { context, asked } = setup(() => shipped);
    expect(await codeOf(getOrderStatus.invoke(context(agent('ta')), { orderId: 'o2' }))).toBe('OK');
    expect(await codeOf(getOrderStatus.invoke(context(auditor), { orderId: 'o2' }))).toBe('OK');
    expect(await codeOf(getOrderStatus.invoke(context(customerA1), { orderId: 'o1' }))).toBe('OK');
    // Another customer's order, another tenant's order and a missing one: the same NOT_FOUND.
    expect(await codeOf(getOrderStatus.invoke(context(customerA1), { orderId: 'o2' }))).toBe('NOT_FOUND');
    expect(await codeOf(getOrderStatus.invoke(context(agent('ta')), { orderId: 'o3' }))).toBe('NOT_FOUND');
    expect(await codeOf(getOrderStatus.invoke(context(agent('ta')), { orderId: 'nope' }))).toBe('NOT_FOUND');
    // The upstream is never asked about an order the caller may not see.
    expect(asked).toEqual(['o2', 'o2', 'o1']);
  });

  it('answers degraded, not with an error, while the upstream is away', async () => {
    const { context } = setup(() => ({
      outcome: 'circuit_open',
      reason: 'the shipping service is failing; it is not being asked for a while (circuit open)',
      retryAfterMs: 1800,
    }));
    expect(await getOrderStatus.invoke(context(agent('ta')), { orderId: 'o1' })).toEqual({
      order: ORDERS[0]?.order,
      shipping: {
        available: false,
        reason: 'the shipping service is failing; it is not being asked for a while (circuit open)',
        retryAfterMs: 1800,
      },
    });
  });

  it('refuses an order id that is not one, before any lookup', async () => {
    const { context, asked } = setup(() => shipped);
    for (const orderId of ['', 'x'.repeat(101), '../etc', 'o1?x=1'])
      expect(await codeOf(getOrderStatus.invoke(context(agent('ta')), { orderId }))).toBe('INVALID_ARGUMENT');
    expect(asked).toEqual([]);
  });
});
