import { describe, expect, it } from 'vitest';
import { ReadCache } from '../cache/index.ts';
import type { Repository } from '../db/repository.ts';
import { type DefectName, selectDefects } from '../defects/index.ts';
import type { Customer, Principal } from '../domain.ts';
import { classifyError } from '../errors.ts';
import { listOrders } from './list-orders.ts';
import { lookupCustomer } from './lookup-customer.ts';
import type { ToolContext } from './tool.ts';

const customer = (id: string, tenantId: string): Customer => ({
  id,
  tenantId,
  name: id,
  email: `${id}@x.test`,
  tier: 'gold',
});
const CUSTOMERS = [customer('a1', 'ta'), customer('a2', 'ta'), customer('b1', 'tb')];

function setup(defect: DefectName = 'none', ttlMs = 0) {
  const db = { down: false };
  const guard = () => {
    if (db.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };
  const repository = {
    async findCustomer(tenantId: string, id: string) {
      guard();
      return CUSTOMERS.find((c) => c.tenantId === tenantId && c.id === id);
    },
    async listOrders(customerId: string) {
      guard();
      return [{ id: `o-${customerId}`, customerId, status: 'paid', totalCents: 1, createdAt: 'x' }];
    },
  } as unknown as Repository;
  const cache = { cache: new ReadCache({ ttlMs, staleMs: 60_000, maxEntries: 100 }) };
  const as = (tenant: string): ToolContext => ({
    principal: { subject: `agent-${tenant}`, tenant, role: 'agent' } satisfies Principal,
    repository,
    defects: selectDefects(defect),
    cache,
  });
  return { db, as };
}

// As dispatch maps it: a ToolError keeps its code, a database failure is classified.
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: unknown) => classifyError(error).code,
  );

describe('read tools with the read cache', () => {
  it('answer fresh without a mark, then stale with one while the database is away', async () => {
    const { db, as } = setup();
    expect(await lookupCustomer.invoke(as('ta'), { customerId: 'a1' })).toEqual({ customer: CUSTOMERS[0] });
    expect(await listOrders.invoke(as('ta'), { customerId: 'a1' })).not.toHaveProperty('stale');
    db.down = true;
    const stale = await lookupCustomer.invoke(as('ta'), { customerId: 'a1' });
    expect(stale).toMatchObject({ customer: CUSTOMERS[0], stale: { ageMs: expect.any(Number) } });
    expect(await listOrders.invoke(as('ta'), { customerId: 'a1' })).toMatchObject({
      customerId: 'a1',
      stale: { ageMs: expect.any(Number) },
    });
  });

  it('fail with the retryable error when there is no copy to fall back on', async () => {
    const { db, as } = setup();
    db.down = true;
    expect(await codeOf(lookupCustomer.invoke(as('ta'), { customerId: 'a2' }))).toBe(
      'DEPENDENCY_UNAVAILABLE',
    );
  });

  it("judge a cached record with the caller's policy, even under a key without its owner", async () => {
    const { as } = setup('tenant-cache-key', 60_000);
    await lookupCustomer.invoke(as('ta'), { customerId: 'a1' });
    // The cached record belongs to tenant ta: the policy refuses it to tenant tb's agent.
    expect(await codeOf(lookupCustomer.invoke(as('tb'), { customerId: 'b1' }))).toBe('NOT_FOUND');
    // Another customer of the same tenant passes it: the defect's wrong answer, for correctAnswers.
    expect(await lookupCustomer.invoke(as('ta'), { customerId: 'a2' })).toEqual({ customer: CUSTOMERS[0] });
  });

  it('with the production key, answer every customer with its own record', async () => {
    const { as } = setup('none', 60_000);
    await lookupCustomer.invoke(as('ta'), { customerId: 'a1' });
    expect(await lookupCustomer.invoke(as('ta'), { customerId: 'a2' })).toEqual({ customer: CUSTOMERS[1] });
    expect(await lookupCustomer.invoke(as('tb'), { customerId: 'b1' })).toEqual({ customer: CUSTOMERS[2] });
  });
});
