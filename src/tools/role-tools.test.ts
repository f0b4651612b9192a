import { describe, expect, it } from 'vitest';
import type { BillingUpdate, Repository } from '../db/repository.ts';
import { selectDefects } from '../defects/index.ts';
import type { Principal } from '../domain.ts';
import { ToolError } from '../errors.ts';
import { analyticsSummary } from './analytics-summary.ts';
import { searchKnowledgeBase } from './search-knowledge-base.ts';
import type { ToolContext } from './tool.ts';
import { luhnValid, updateBilling } from './update-billing.ts';

const CARD = '4242424242424242';
const ada = { id: 'c1', tenantId: 't1', name: 'Ada', email: 'ada@x.test', tier: 'gold' };

function setup(principal: Principal) {
  const seen: { searches: unknown[]; updates: BillingUpdate[]; analytics: string[] } = {
    searches: [],
    updates: [],
    analytics: [],
  };
  let applied: BillingUpdate | undefined;
  const repository = {
    async findCustomer(tenantId: string, id: string) {
      return tenantId === ada.tenantId && id === ada.id ? ada : undefined;
    },
    async searchArticles(search: unknown) {
      seen.searches.push(search);
      return [];
    },
    // Like the database: the first update with a key is applied, a later one gets it back.
    async updateBilling(update: BillingUpdate) {
      seen.updates.push(update);
      const first = applied ?? update;
      applied = first;
      const { customerId, billingEmail, plan, cardToken: token, cardLast4: last4 } = first;
      return {
        profile: {
          customerId,
          billingEmail,
          plan,
          card: { token, last4 },
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
        replayed: first !== update,
      };
    },
    async tenantAnalytics(tenantId: string) {
      seen.analytics.push(tenantId);
      return {
        customers: 2,
        customersByTier: { gold: 2 },
        ordersByStatus: { shipped: { count: 2, totalCents: 300 }, pending: { count: 1, totalCents: 5 } },
        openTickets: 1,
        articles: 4,
      };
    },
  } as unknown as Repository;
  const context: ToolContext = { principal, repository, defects: selectDefects('none') };
  return { context, seen };
}

const billingAdmin: Principal = { subject: 'b', tenant: 't1', role: 'billing_admin' };
const args = {
  customerId: 'c1',
  billingEmail: 'billing@x.test',
  plan: 'premium',
  cardNumber: CARD,
  idempotencyKey: 'key-000001',
};
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'OK',
    (error: unknown) => (error instanceof ToolError ? error.code : String(error)),
  );

describe('update_billing', () => {
  it('checks card numbers with Luhn', () => {
    expect(luhnValid(CARD)).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('79927398713')).toBe(true);
  });

  it('stores and answers a token and the last four, never the number', async () => {
    const { context, seen } = setup(billingAdmin);
    const answer = await updateBilling.invoke(context, args);
    expect(answer).toEqual({
      billing: {
        customerId: 'c1',
        billingEmail: 'billing@x.test',
        plan: 'premium',
        card: { token: expect.stringMatching(/^tok_[0-9a-f]{32}$/), last4: '4242' },
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
      replayed: false,
    });
    expect(JSON.stringify(answer)).not.toContain(CARD);
    expect(JSON.stringify(seen.updates)).not.toContain(CARD);
  });

  it('replays a retry with the same key, and refuses the key for a different request', async () => {
    const { context } = setup(billingAdmin);
    const first = await updateBilling.invoke(context, args);
    const again = await updateBilling.invoke(context, args);
    expect(again).toEqual({ ...first, replayed: true });
    expect(await codeOf(updateBilling.invoke(context, { ...args, plan: 'free' }))).toBe('INVALID_ARGUMENT');
  });

  it('refuses a bad card number without repeating it', async () => {
    const { context, seen } = setup(billingAdmin);
    const bad = '4242424242424241';
    const error = await updateBilling.invoke(context, { ...args, cardNumber: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).message).toBe('cardNumber: not a valid card number (checksum)');
    expect(await codeOf(updateBilling.invoke(context, { ...args, cardNumber: '4242 4242 4242 4242' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(seen.updates).toEqual([]);
  });

  it("answers NOT_FOUND for another tenant's customer", async () => {
    const { context } = setup({ ...billingAdmin, tenant: 't2' });
    expect(await codeOf(updateBilling.invoke(context, args))).toBe('NOT_FOUND');
  });
});

describe('search_knowledge_base', () => {
  it("searches the caller's tenant; internal articles for staff only", async () => {
    const staff = setup({ subject: 'a', tenant: 't1', role: 'agent' });
    expect(await searchKnowledgeBase.invoke(staff.context, { query: ' refund ' })).toEqual({
      query: 'refund',
      results: [],
    });
    const customer = setup({ subject: 'c', tenant: 't1', role: 'customer', customer: 'c1' });
    await searchKnowledgeBase.invoke(customer.context, { query: 'refund', limit: 3 });
    expect([...staff.seen.searches, ...customer.seen.searches]).toEqual([
      { tenantId: 't1', includeInternal: true, query: 'refund', limit: 10 },
      { tenantId: 't1', includeInternal: false, query: 'refund', limit: 3 },
    ]);
  });

  it('bounds the query and the limit', async () => {
    const { context } = setup({ subject: 'a', tenant: 't1', role: 'agent' });
    expect(await codeOf(searchKnowledgeBase.invoke(context, { query: 'x'.repeat(201) }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(searchKnowledgeBase.invoke(context, { query: 'refund', limit: 21 }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(searchKnowledgeBase.invoke(context, { query: '   ' }))).toBe('INVALID_ARGUMENT');
  });
});

describe('analytics_summary', () => {
  it("asks for the caller's own tenant only, and totals the orders", async () => {
    const { context, seen } = setup({ subject: 'm', tenant: 't1', role: 'manager' });
    expect(await analyticsSummary.invoke(context, {})).toEqual({
      tenantId: 't1',
      customers: { total: 2, byTier: { gold: 2 } },
      orders: {
        total: 3,
        byStatus: { shipped: { count: 2, totalCents: 300 }, pending: { count: 1, totalCents: 5 } },
      },
      openTickets: 1,
      articles: 4,
    });
    expect(seen.analytics).toEqual(['t1']);
    // No argument can name another tenant.
    expect(await codeOf(analyticsSummary.invoke(context, { tenantId: 't2' }))).toBe('INVALID_ARGUMENT');
  });
});
