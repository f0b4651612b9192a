import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { degradesAndRecovers } from './degrades-and-recovers.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

const upstream = (event: 'inject' | 'heal', at: number): RecordOf<'fault'> => ({
  type: 'fault',
  fault: 'upstreamFailing(503)',
  event,
  at,
  link: 'target→upstream',
});
const answer = (at: number, available: boolean) =>
  call({
    at,
    tool: 'get_order_status',
    args: { orderId: 'o1' },
    result: {
      order: { id: 'o1' },
      shipping: available
        ? { available: true, carrier: 'DHL', status: 'in_transit', eta: '2026-01-01' }
        : { available: false, reason: 'circuit open', retryAfterMs: 1000 },
    },
  });
const steady = (from: number, to: number, available: (at: number) => boolean) => {
  const calls = [];
  for (let at = from; at < to; at += 250) calls.push(answer(at, available(at)));
  return calls;
};
const check = () => degradesAndRecovers({ withinMs: 3000, minDegraded: 2 });

describe('degradesAndRecovers', () => {
  it('passes when answers degrade during the fault and are full again within the budget', () => {
    const journal = [
      ...steady(0, 1000, () => true),
      upstream('inject', 1000),
      ...steady(1000, 4000, (at) => at < 1300),
      upstream('heal', 4000),
      ...steady(4000, 9000, (at) => at >= 6000),
    ];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('The first full answer started 2,000 ms after the last heal');
  });

  it('fails when degraded answers go on past the budget (the breaker never closes)', () => {
    const journal = [
      upstream('inject', 1000),
      ...steady(1000, 4000, () => false),
      upstream('heal', 4000),
      ...steady(4000, 9000, (at) => at >= 8000),
    ];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain('were still degraded');
    expect(v?.evidence[0]?.message).toBe('get_order_status answered degraded 3,000 ms after the last heal');
  });

  it('fails when nothing was answered degraded during the fault', () => {
    const journal = [
      upstream('inject', 1000),
      ...steady(1000, 4000, () => true),
      call({ at: 2000, tool: 'get_order_status', outcome: 'error', code: 'TIMEOUT' }),
      upstream('heal', 4000),
      ...steady(4000, 9000, () => true),
    ];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain('0 degraded answers');
  });

  it('is inconclusive without an upstream fault or without calls after the budget', () => {
    expect(
      runChecks(
        [check()],
        steady(0, 5000, () => true),
      )[0]?.status,
    ).toBe('inconclusive');
    const short = [
      upstream('inject', 0),
      ...steady(0, 1000, () => false),
      upstream('heal', 1000),
      answer(1500, true),
    ];
    expect(runChecks([check()], short)[0]?.status).toBe('inconclusive');
  });
});
