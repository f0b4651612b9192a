import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../journal/index.ts';
import { MAX_PENDING } from './dataset.ts';
import { isolation } from './isolation.ts';
import { runChecks } from './run.ts';
import { call, dataset } from './test-journal.ts';

const agentT1 = { tenant: 't1', role: 'agent' } as const;
const customerC1 = { tenant: 't1', role: 'customer', customer: 'c1' } as const;
const answer = (identity: CallRecord['identity'], result: unknown) => call({ identity, result });

describe('isolation', () => {
  it("passes when answers stay in the caller's scope; a wrong same-tenant customer is not a leak", () => {
    const journal = [
      dataset(),
      answer(agentT1, { customer: { id: 'c2', tenantId: 't1' } }), // wrong maybe, but same tenant
      answer(customerC1, { customerId: 'c1', orders: [{ id: 'o1', customerId: 'c1' }] }),
      answer(customerC1, { ticket: { id: 'tk9', customerId: 'c1', tenantId: 't1' } }),
    ];
    const [v] = runChecks([isolation()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe("None of the 3 ok answers showed data outside the caller's tenant or customer.");
  });

  it('fails on foreign customers and orders per the dataset, foreign tenantId fields, and other customers', () => {
    const foreignCustomer = answer(agentT1, { customer: { id: 'c3', tenantId: 't1' } }); // lies about its tenant
    const foreignOrder = answer(agentT1, { customerId: 'c1', orders: [{ id: 'o3' }] });
    const foreignField = answer(agentT1, { ticket: { id: 'tk1', tenantId: 't9' } });
    const otherCustomer = answer(customerC1, { customer: { id: 'c2', tenantId: 't1' } });
    const ok = answer(agentT1, { customer: { id: 'c1' } });
    const [v] = runChecks(
      [isolation()],
      [dataset(), foreignCustomer, foreignOrder, foreignField, otherCustomer, ok],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      "4 of 5 ok answers showed data outside the caller's tenant or customer (foreign tenants: t2, t9).",
    );
    expect(v?.evidence).toEqual([
      {
        correlationId: foreignCustomer.correlationId,
        message: 'agent of tenant t1 was shown customer c3 of tenant t2 by lookup_customer',
      },
      {
        correlationId: foreignOrder.correlationId,
        message: 'agent of tenant t1 was shown customer c3 of tenant t2 by lookup_customer',
      },
      {
        correlationId: foreignField.correlationId,
        message: 'agent of tenant t1 was shown a record of tenant t9 by lookup_customer',
      },
      {
        correlationId: otherCustomer.correlationId,
        message:
          "customer c1 of tenant t1 was shown customer c2 (not the caller's own c1) by lookup_customer",
      },
    ]);
  });

  it('is inconclusive without a dataset or ok answers', () => {
    expect(runChecks([isolation()], [answer(agentT1, {})])[0]?.status).toBe('inconclusive');
    const failed = call({ outcome: 'transport-error' });
    expect(runChecks([isolation()], [dataset(), failed])[0]?.summary).toMatch(/^No ok answers/);
  });

  it('holds at most maxPending ok calls while no dataset record has come, and says what went unchecked', () => {
    const check = isolation({ maxPending: 2 });
    const state = check.init();
    const own = () => answer(customerC1, { customer: { id: 'c1', tenantId: 't1' } });
    for (let i = 0; i < 4; i++) check.update(state, own());
    expect(state.pending).toHaveLength(2);
    check.update(state, dataset());
    expect(check.finish(state)).toMatchObject({
      status: 'inconclusive',
      summary:
        "None of the 2 ok answers checked showed data outside the caller's tenant or customer, but not all could be checked: 2 ok answers journaled before the dataset record, beyond the ones held for it, went unchecked.",
    });
    check.update(state, answer(agentT1, { customer: { id: 'c3' } }));
    expect(check.finish(state)).toMatchObject({
      status: 'fail',
      summary:
        "1 of 3 ok answers showed data outside the caller's tenant or customer (foreign tenants: t2). 2 ok answers journaled before the dataset record, beyond the ones held for it, went unchecked.",
    });
  });

  it('keeps memory bounded on a long journal without a dataset record', () => {
    const check = isolation();
    const state = check.init();
    for (let i = 0; i < 100_000; i++) check.update(state, answer(agentT1, {}));
    expect(state.pending).toHaveLength(MAX_PENDING);
    expect(check.finish(state).status).toBe('inconclusive');
  });
});
