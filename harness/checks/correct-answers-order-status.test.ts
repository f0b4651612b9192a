import { describe, expect, it } from 'vitest';
import { correctAnswers } from './correct-answers.ts';
import { runChecks } from './run.ts';
import { shippingStatusOf } from './shipping.ts';
import { call, dataset } from './test-journal.ts';

const o1 = {
  id: 'o1',
  customerId: 'c1',
  status: 'shipped',
  totalCents: 1000,
  createdAt: '2024-01-01T00:00:00Z',
};
const full = (orderId: string) => {
  const { carrier, status, eta } = shippingStatusOf(orderId);
  return { available: true, carrier, status, eta };
};
const status = (orderId: string, result: unknown) =>
  call({ tool: 'get_order_status', args: { orderId }, result });

describe('correctAnswers on get_order_status', () => {
  it('accepts the right order with its shipping status, or with a well-formed degraded answer', () => {
    const journal = [
      dataset(),
      status('o1', { order: o1, shipping: full('o1') }),
      status('o1', { order: o1, shipping: { available: false, reason: 'circuit open', retryAfterMs: 1500 } }),
    ];
    const [v] = runChecks([correctAnswers()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('2 get_order_status');
  });

  it('fails on another order, wrong order fields, a wrong shipping status or a malformed degraded answer', () => {
    const wrongShipping = { ...full('o1'), carrier: full('o1').carrier === 'DHL' ? 'UPS' : 'DHL' };
    const journal = [
      dataset(),
      status('o1', { order: { ...o1, id: 'o2' }, shipping: full('o2') }),
      status('o1', { order: { ...o1, status: 'pending' }, shipping: full('o1') }),
      status('o1', { order: o1, shipping: wrongShipping }),
      status('o1', { order: o1, shipping: { available: false, reason: '', retryAfterMs: -1 } }),
      status('o1', { order: o1 }),
      status('o9', { order: { ...o1, id: 'o9' }, shipping: full('o9') }),
    ];
    const [v] = runChecks([correctAnswers()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain('6 of 6 ok answers disagreed with the dataset (6 get_order_status)');
    const messages = v?.evidence.map((e) => e.message).join('\n');
    expect(messages).toContain('asked for order "o1", got "o2"');
    expect(messages).toContain('order o1 status is "pending", dataset says "shipped"');
    expect(messages).toContain('shipping carrier is');
    expect(messages).toContain('a degraded shipping answer without a reason');
    expect(messages).toContain('retryAfterMs -1');
    expect(messages).toContain('the result has no shipping object');
    expect(messages).toContain('order "o9" is not in the dataset');
  });
});
