import { describe, expect, it } from 'vitest';
import { DatasetSchema } from './dataset.ts';

const valid = {
  tenants: [{ id: 't1', name: 'One' }],
  customers: [{ id: 'c1', tenantId: 't1', name: 'Ada', email: 'ada@example.test', tier: 'gold' }],
  orders: [
    { id: 'o1', customerId: 'c1', status: 'open', totalCents: 100, createdAt: '2026-01-01T00:00:00Z' },
  ],
};

describe('DatasetSchema', () => {
  it('accepts a consistent dataset', () => {
    expect(DatasetSchema.safeParse(valid).success).toBe(true);
  });

  it('rejects references to unknown tenants and customers', () => {
    const result = DatasetSchema.safeParse({
      ...valid,
      customers: [{ ...valid.customers[0], tenantId: 't404' }],
      orders: [{ ...valid.orders[0], customerId: 'c404' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'customers.0.tenantId',
      'orders.0.customerId',
    ]);
  });

  it('ignores unknown keys such as a journal record type', () => {
    const result = DatasetSchema.safeParse({ type: 'dataset', ...valid });
    expect(result.success && Object.keys(result.data)).toEqual([
      'tenants',
      'customers',
      'orders',
      'articles',
    ]);
  });

  it('loads a dataset without articles as one with none, and refuses an article of an unknown tenant', () => {
    expect(DatasetSchema.parse(valid).articles).toEqual([]);
    const article = { id: 'a1', tenantId: 't404', title: 'T', body: 'B', visibility: 'public' };
    const result = DatasetSchema.safeParse({ ...valid, articles: [article] });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['articles.0.tenantId']);
    expect(DatasetSchema.safeParse({ ...valid, articles: [{ ...article, tenantId: 't1' }] }).success).toBe(
      true,
    );
  });

  it('rejects a non-ISO date and a fractional total', () => {
    const order = valid.orders[0];
    expect(
      DatasetSchema.safeParse({ ...valid, orders: [{ ...order, createdAt: 'yesterday' }] }).success,
    ).toBe(false);
    expect(DatasetSchema.safeParse({ ...valid, orders: [{ ...order, totalCents: 1.5 }] }).success).toBe(
      false,
    );
  });
});
