import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { correctAnswers } from './correct-answers.ts';
import { isolation } from './isolation.ts';
import { runChecks } from './run.ts';
import { call, dataset } from './test-journal.ts';

const BODY = 'This article explains refund for the customers of Tenant one. It also covers shipping.';
const article = (id: string, tenantId: string, visibility: 'public' | 'internal', body = BODY) => ({
  id,
  tenantId,
  title: `Title ${id}`,
  body,
  visibility,
});
function withArticles(): RecordOf<'dataset'> {
  return {
    ...dataset(),
    articles: [
      article('a1', 't1', 'public'),
      article('a2', 't1', 'internal'),
      article('a3', 't1', 'public', 'This article explains coupon only.'),
      article('b1', 't2', 'public'),
    ],
  };
}
const hit = (id: string, visibility = 'public', snippet = BODY.slice(0, 40)) => ({
  id,
  title: `Title ${id}`,
  snippet,
  visibility,
});
const search = (query: string, results: unknown[], role: 'agent' | 'customer' = 'agent', limit = 10) =>
  call({
    tool: 'search_knowledge_base',
    identity: role === 'customer' ? { tenant: 't1', role, customer: 'c1' } : { tenant: 't1', role },
    args: { query, limit },
    result: { query, results },
  });
const judge = (...calls: ReturnType<typeof call>[]) =>
  runChecks([correctAnswers()], [withArticles(), ...calls])[0];

describe('correctAnswers on search_knowledge_base', () => {
  it('passes the readable matching articles of the caller’s tenant, and an empty answer when none match', () => {
    const v = judge(
      search('refund', [hit('a1'), hit('a2', 'internal')]),
      search('refund', [hit('a1')], 'customer'),
      search('zeppelin', []),
      search('refund', [hit('a2', 'internal')], 'agent', 1), // a full answer may leave matches out
    );
    expect(v?.status).toBe('pass');
  });

  it('fails on a missing match, an internal article shown to a customer, a foreign article and a wrong snippet', () => {
    const v = judge(
      search('refund', [hit('a1')]),
      search('refund', [hit('a1'), hit('a2', 'internal')], 'customer'),
      search('refund', [hit('a1'), hit('a2'), hit('b1')]),
      search('refund', [hit('a1', 'public', 'made up'), hit('a2')]),
      search('coupon', [hit('a1'), hit('a3', 'public', 'This article')]),
    );
    expect(v?.status).toBe('fail');
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'search_knowledge_base: missing 1 matching article(s) (a2)',
      'search_knowledge_base: article a2 is internal, shown to a customer',
      "search_knowledge_base: article b1 is tenant t2's",
      'search_knowledge_base: article a1 snippet is not the start of its text (at most 200 characters)',
      'search_knowledge_base: article a1 does not mention "coupon"',
    ]);
  });

  it('isolation flags another tenant’s article', () => {
    const [v] = runChecks([isolation()], [withArticles(), search('refund', [hit('a1'), hit('b1')])]);
    expect(v?.status).toBe('fail');
    expect(v?.evidence[0]?.message).toBe(
      'agent of tenant t1 was shown article b1 of tenant t2 by search_knowledge_base',
    );
  });
});

describe('correctAnswers on update_billing', () => {
  const args = {
    customerId: 'c1',
    billingEmail: 'b@x.test',
    plan: 'premium',
    cardNumber: '4242424242424242',
    idempotencyKey: 'k1',
  };
  const billing = (card: unknown, extra: Record<string, unknown> = {}) =>
    call({
      tool: 'update_billing',
      identity: { tenant: 't1', role: 'billing_admin' },
      args,
      result: {
        billing: { customerId: 'c1', billingEmail: 'b@x.test', plan: 'premium', card, ...extra },
        replayed: false,
      },
    });

  it('passes an update answered as sent, with a token and the last four', () => {
    expect(judge(billing({ token: 'tok_1', last4: '4242' }))?.status).toBe('pass');
  });

  it('fails on another plan, wrong last four, and the full number in the answer', () => {
    const v = judge(
      billing({ token: 'tok_1', last4: '4242' }, { plan: 'free' }),
      billing({ token: 'tok_1', last4: '1111' }),
      billing({ token: '4242424242424242', last4: '4242' }),
    );
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'update_billing: billing plan is "free", the call sent "premium"',
      'update_billing: card last4 is "1111", not the sent card\'s',
      'update_billing: the answer carries the full card number',
    ]);
  });
});

describe('correctAnswers on analytics_summary', () => {
  const figures = (extra: Record<string, unknown> = {}) => ({
    tenantId: 't1',
    customers: { total: 2, byTier: { gold: 2 } },
    orders: { total: 2, byStatus: { shipped: { count: 2, totalCents: 3500 } } },
    openTickets: 0,
    articles: 3,
    ...extra,
  });
  const analytics = (result: unknown, at = 100) =>
    call({ tool: 'analytics_summary', identity: { tenant: 't1', role: 'manager' }, args: {}, result, at });
  const ticket = (at: number, outcome: 'ok' | 'timeout' = 'ok', tenant = 't1') =>
    call({
      tool: 'create_ticket',
      identity: { tenant, role: 'agent' },
      args: { customerId: 'c1', idempotencyKey: `k${at}` },
      result:
        outcome === 'ok'
          ? { ticket: { customerId: 'c1', idempotencyKey: `k${at}` }, replayed: false }
          : undefined,
      outcome,
      at,
    });

  it("passes the tenant's own figures, and open tickets between those acknowledged and those asked for", () => {
    const v = judge(
      ticket(10),
      ticket(20, 'timeout'),
      ticket(30, 'ok', 't2'),
      analytics(figures({ openTickets: 1 })),
      analytics(figures({ openTickets: 2 })),
      ticket(200), // after: counts for neither bound
    );
    expect(v?.status).toBe('pass');
  });

  it("fails on another tenant's figures and on open tickets out of bounds", () => {
    const everyTenant = figures({
      customers: { total: 3, byTier: { gold: 3 } },
      orders: { total: 3, byStatus: { shipped: { count: 3, totalCents: 4200 } } },
      articles: 4,
      openTickets: 1,
    });
    const v = judge(
      ticket(10),
      analytics(everyTenant),
      analytics(figures({ openTickets: 0 })),
      analytics(figures({ openTickets: 2 })),
    );
    expect(v?.status).toBe('fail');
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'analytics_summary: customers.total is 3, dataset says 2; customers.byTier is {"gold":3}, dataset says {"gold":2}; orders.byStatus is {"shipped":{"count":3,"totalCents":4200}}, dataset says {"shipped":{"count":2,"totalCents":3500}} (and 1 more)',
      "analytics_summary: openTickets is 0, the run's tickets allow 1–1",
      "analytics_summary: openTickets is 2, the run's tickets allow 1–1",
    ]);
  });
});
