import { describe, expect, it } from 'vitest';
import { correctAnswers } from './correct-answers.ts';
import { MAX_PENDING } from './dataset.ts';
import { runChecks } from './run.ts';
import { call, dataset } from './test-journal.ts';

const c1 = { id: 'c1', tenantId: 't1', name: 'Name c1', email: 'c1@example.test', tier: 'gold' };
const lookup = (customerId: string, customer: unknown) =>
  call({ tool: 'lookup_customer', args: { customerId }, result: { customer } });
const orders = (customerId: string, list: unknown[]) =>
  call({ tool: 'list_orders', args: { customerId }, result: { customerId, orders: list } });
const o1 = { id: 'o1', customerId: 'c1', status: 'shipped', totalCents: 1000 };
const ticket = (args: Record<string, string>, t: unknown) =>
  call({ tool: 'create_ticket', args, result: { ticket: t } });

describe('correctAnswers', () => {
  it('passes when every ok answer matches the dataset, even if the dataset comes later', () => {
    const journal = [
      lookup('c1', c1),
      dataset(),
      orders('c1', [o1]),
      ticket({ customerId: 'c1', idempotencyKey: 'k1' }, { id: 'x', customerId: 'c1', idempotencyKey: 'k1' }),
      call({ tool: 'lookup_customer', outcome: 'error', code: 'NOT_FOUND' }), // not an answer to compare
    ];
    const [v] = runChecks([correctAnswers()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 3 ok answers checked against the dataset were correct (1 lookup_customer, 1 list_orders, 1 create_ticket).',
    );
  });

  it('fails on the wrong customer, wrong fields, foreign or unknown orders and mismatched tickets', () => {
    const wrongCustomer = lookup('c1', { ...c1, id: 'c2' });
    const wrongEmail = lookup('c1', { ...c1, email: 'x@y' });
    const badOrders = orders('c1', [{ ...o1, totalCents: 1 }, { id: 'o3' }, { id: 'tk1' }]);
    const badTicket = ticket(
      { customerId: 'c1', idempotencyKey: 'k1' },
      { customerId: 'c1', idempotencyKey: 'k2' },
    );
    const [v] = runChecks([correctAnswers()], [dataset(), wrongCustomer, wrongEmail, badOrders, badTicket]);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      '4 of 4 ok answers disagreed with the dataset (2 lookup_customer, 1 list_orders, 1 create_ticket).',
    );
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'lookup_customer: asked for "c1", got "c2"',
      'lookup_customer: email is "x@y", dataset says "c1@example.test"',
      'list_orders: order o1 totalCents is 1, dataset says 1000; order o3 belongs to c3; order "tk1" is not in the dataset',
      'create_ticket: ticket idempotencyKey is "k2", the call sent "k1"',
    ]);
    expect(v?.evidence[0]?.correlationId).toBe(wrongCustomer.correlationId);
  });

  it('is inconclusive without a dataset or without ok answers', () => {
    expect(runChecks([correctAnswers()], [lookup('c1', c1)])[0]?.summary).toMatch(/^No dataset record/);
    const [v] = runChecks([correctAnswers()], [dataset(), call({ tool: 'toString', args: {} })]);
    expect(v?.status).toBe('inconclusive');
  });

  it('holds at most maxPending ok calls while no dataset record has come, and says what went unchecked', () => {
    const check = correctAnswers({ maxPending: 2 });
    const state = check.init();
    for (let i = 0; i < 5; i++) check.update(state, lookup('c1', c1));
    expect(state.pending).toHaveLength(2);
    check.update(state, dataset());
    check.update(state, lookup('c1', c1));
    expect(check.finish(state)).toMatchObject({
      status: 'inconclusive',
      summary:
        'All 3 ok answers checked against the dataset were correct (3 lookup_customer), but not all could be checked: 3 ok answers journaled before the dataset record, beyond the ones held for it, went unchecked.',
    });
    check.update(state, lookup('c1', { ...c1, id: 'c2' }));
    expect(check.finish(state)).toMatchObject({
      status: 'fail',
      summary:
        '1 of 4 ok answers disagreed with the dataset (1 lookup_customer). 3 ok answers journaled before the dataset record, beyond the ones held for it, went unchecked.',
    });
  });

  it('keeps memory bounded on a long journal without a dataset record', () => {
    const check = correctAnswers();
    const state = check.init();
    for (let i = 0; i < 100_000; i++) check.update(state, lookup('c1', c1));
    expect(state.pending).toHaveLength(MAX_PENDING);
    expect(check.finish(state).summary).toMatch(/^No dataset record/);
  });
});
