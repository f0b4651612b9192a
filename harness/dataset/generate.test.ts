import { describe, expect, it } from 'vitest';
import { generateDataset } from './generate.ts';

describe('generateDataset', () => {
  it('is reproducible from the seed', () => {
    expect(generateDataset(5)).toEqual(generateDataset(5));
    expect(generateDataset(5)).not.toEqual(generateDataset(6));
  });

  it('gives every tenant its customers and every order a known customer', () => {
    const d = generateDataset(9, { tenants: 3, customersPerTenant: 4 });
    expect(d.tenants).toHaveLength(3);
    expect(d.customers).toHaveLength(12);
    const customers = new Set(d.customers.map((c) => c.id));
    expect(customers.size).toBe(12);
    for (const order of d.orders) expect(customers.has(order.customerId)).toBe(true);
    for (const t of d.tenants) expect(d.customers.filter((c) => c.tenantId === t.id)).toHaveLength(4);
  });
});
