import { describe, expect, it } from 'vitest';
import type { Repository } from '../db/repository.ts';
import { selectDefects } from '../defects/index.ts';
import type { Customer, Order } from '../domain.ts';
import { type CacheKeyParts, fullCacheKey } from './key.ts';
import { ReadCache } from './read-cache.ts';
import { CallReads } from './reads.ts';

const customer = (id: string, tenantId: string): Customer => ({
  id,
  tenantId,
  name: id,
  email: `${id}@x.test`,
  tier: 'gold',
});
const order = (id: string, customerId: string): Order => ({
  id,
  customerId,
  status: 'paid',
  totalCents: 100,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const CUSTOMERS = [customer('a1', 'ta'), customer('a2', 'ta'), customer('b1', 'tb')];

/** A repository over fixed rows that can be switched off like a stopped database. */
function fakeRepository() {
  const state = { down: false, queries: 0 };
  const guard = () => {
    state.queries++;
    if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };
  const repository = {
    async findCustomer(tenantId: string, id: string) {
      guard();
      return CUSTOMERS.find((c) => c.tenantId === tenantId && c.id === id);
    },
    async listOrders(customerId: string, limit: number) {
      guard();
      return [order(`o-${customerId}`, customerId)].slice(0, limit);
    },
  } as unknown as Repository;
  return { repository, state };
}

describe('cache keys', () => {
  it('hold the tenant, the customer and the query, each delimited', () => {
    const key = fullCacheKey({ tenant: 'ta', customer: 'a1', query: 'orders?limit=20' });
    for (const part of ['ta', 'a1', 'orders?limit=20']) expect(key).toContain(part);
    // Delimited: ("t", "a:b") and ("t:a", "b") must not collide.
    expect(fullCacheKey({ tenant: 't', customer: 'a:b', query: 'q' })).not.toBe(
      fullCacheKey({ tenant: 't:a', customer: 'b', query: 'q' }),
    );
  });

  it('tenant-cache-key drops the owner: only the query is left', () => {
    const { cacheKey } = selectDefects('tenant-cache-key');
    const a: CacheKeyParts = { tenant: 'ta', customer: 'a1', query: 'customer' };
    expect(cacheKey(a)).toBe(cacheKey({ tenant: 'tb', customer: 'b1', query: 'customer' }));
    expect(cacheKey(a)).not.toBe(cacheKey({ ...a, query: 'orders?limit=20' }));
    expect(selectDefects('none').cacheKey).toBe(fullCacheKey);
  });
});

describe('CallReads', () => {
  const cacheOf = () => ({ cache: new ReadCache({ ttlMs: 60_000, staleMs: 300_000, maxEntries: 100 }) });

  it('serves each tenant and customer its own record from the cache', async () => {
    const { repository, state } = fakeRepository();
    const deps = cacheOf();
    const first = new CallReads(repository, deps);
    expect(await first.findCustomer('ta', 'a1')).toEqual(CUSTOMERS[0]);
    expect(await first.findCustomer('ta', 'a2')).toEqual(CUSTOMERS[1]);
    expect(await first.listOrders('ta', 'a1', 20)).toEqual([order('o-a1', 'a1')]);
    const second = new CallReads(repository, deps);
    expect(await second.findCustomer('ta', 'a2')).toEqual(CUSTOMERS[1]);
    expect(await second.findCustomer('tb', 'a2')).toBeUndefined(); // another tenant: its own key
    expect(await second.listOrders('ta', 'a2', 20)).toEqual([order('o-a2', 'a2')]);
    expect(state.queries).toBe(5);
    expect(first.stale).toBeUndefined();
  });

  it('under the tenant-cache-key defect, answers one customer with another one', async () => {
    const { repository } = fakeRepository();
    const deps = cacheOf();
    const { cacheKey } = selectDefects('tenant-cache-key');
    await new CallReads(repository, deps, cacheKey).listOrders('ta', 'a1', 20);
    expect(await new CallReads(repository, deps, cacheKey).listOrders('tb', 'b1', 20)).toEqual([
      order('o-a1', 'a1'),
    ]);
  });

  it('marks the call stale with the oldest stale part when the database is away', async () => {
    const { repository, state } = fakeRepository();
    const deps = { cache: new ReadCache({ ttlMs: 0, staleMs: 300_000, maxEntries: 100 }) };
    await new CallReads(repository, deps).findCustomer('ta', 'a1');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await new CallReads(repository, deps).listOrders('ta', 'a1', 20);
    state.down = true;
    const reads = new CallReads(repository, deps);
    expect(await reads.findCustomer('ta', 'a1')).toEqual(CUSTOMERS[0]);
    const customerAge = reads.stale?.ageMs ?? 0;
    await reads.listOrders('ta', 'a1', 20);
    expect(reads.stale?.ageMs).toBe(customerAge);
    expect(customerAge).toBeGreaterThanOrEqual(25);
    await expect(new CallReads(repository, deps).findCustomer('ta', 'a2')).rejects.toThrow('ECONNREFUSED');
  });

  it('without a cache reads the repository every time and is never stale', async () => {
    const { repository, state } = fakeRepository();
    const reads = new CallReads(repository, undefined);
    await reads.findCustomer('ta', 'a1');
    await reads.findCustomer('ta', 'a1');
    expect(state.queries).toBe(2);
    expect(reads.stale).toBeUndefined();
  });

  it('counts each read by query and outcome', async () => {
    const { repository, state } = fakeRepository();
    const counted: string[] = [];
    const deps = { ...cacheOf(), onRead: (q: string, o: string) => counted.push(`${q}:${o}`) };
    await new CallReads(repository, deps).findCustomer('ta', 'a1');
    await new CallReads(repository, deps).findCustomer('ta', 'a1');
    state.down = true;
    await new CallReads(repository, deps).listOrders('ta', 'a1', 20).catch(() => undefined);
    expect(counted).toEqual(['customer:miss', 'customer:hit', 'orders:error']);
  });
});
