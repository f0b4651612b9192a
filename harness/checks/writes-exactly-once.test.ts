import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../journal/index.ts';
import { runChecks } from './run.ts';
import { call, tickets } from './test-journal.ts';
import { writesExactlyOnce } from './writes-exactly-once.ts';

const create = (key: string, outcome: CallRecord['outcome'] = 'ok', customerId = 'c1') =>
  call({ tool: 'create_ticket', args: { customerId, idempotencyKey: key }, outcome });

describe('writesExactlyOnce', () => {
  it('passes: acked once, retried key once, unacknowledged at most once', () => {
    const journal = [
      create('k1'),
      create('k2', 'timeout'),
      create('k2'), // the retry that got the answer
      create('k3', 'timeout'), // landed although the answer was lost
      create('k4', 'transport-error'), // never landed
      call({ tool: 'lookup_customer' }),
      tickets([{ key: 'k1' }, { key: 'k2' }, { key: 'k3' }]),
    ];
    const [v] = runChecks([writesExactlyOnce()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 2 acknowledged ticket writes appear exactly once in the final snapshot, and none of the 2 unacknowledged ones more than once (1 of them landed).',
    );
  });

  it('fails on lost, duplicated, wrong-customer and phantom writes', () => {
    const lost = create('k1');
    const dup = create('k2', 'timeout');
    const wrong = create('k3', 'ok', 'c2');
    const journal = [lost, dup, wrong, tickets([{ key: 'k2' }, { key: 'k2' }, { key: 'k3' }, { key: 'zz' }])];
    const [v] = runChecks([writesExactlyOnce()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      '4 write anomalies across 3 idempotency keys: 1 lost, 1 duplicated, 1 wrong customer, 1 phantom.',
    );
    expect(v?.evidence.map((e) => e.correlationId)).toEqual([
      lost.correlationId,
      dup.correlationId,
      wrong.correlationId,
      undefined,
    ]);
    expect(v?.evidence[3]?.message).toBe('ticket tk3 (key zz, customer c1) was written by no call');
  });

  it('is inconclusive without a snapshot, without create_ticket calls, or with untracked calls', () => {
    expect(runChecks([writesExactlyOnce()], [create('k1')])[0]?.status).toBe('inconclusive');
    expect(runChecks([writesExactlyOnce()], [call(), tickets([])])[0]?.status).toBe('inconclusive');
    const keyless = call({ tool: 'create_ticket', args: { customerId: 'c1' } });
    const [v] = runChecks([writesExactlyOnce()], [keyless, tickets([])]);
    expect(v?.summary).toBe(
      '1 create_ticket call carried no idempotency key, so its write could not be tracked.',
    );
  });
});

describe('writesExactlyOnce: billing updates', () => {
  const update = (key: string, outcome: CallRecord['outcome'] = 'ok', customerId = 'c1') =>
    call({ tool: 'update_billing', args: { customerId, idempotencyKey: key }, outcome });
  const billing = (list: { key: string; customerId?: string }[]) => ({
    type: 'snapshot' as const,
    name: 'billing' as const,
    at: 1e6,
    updates: list.map((u, i) => ({
      id: `bu${i}`,
      tenantId: 't1',
      customerId: u.customerId ?? 'c1',
      idempotencyKey: u.key,
    })),
  });

  it('accounts billing updates beside tickets', () => {
    const journal = [
      create('t1'),
      update('b1'),
      update('b2', 'timeout'),
      update('b2'), // the retry, acknowledged
      update('b3', 'error'), // refused: never applied
      tickets([{ key: 't1' }]),
      billing([{ key: 'b1' }, { key: 'b2' }]),
    ];
    const [v] = runChecks([writesExactlyOnce()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 1 acknowledged ticket write appear exactly once in the final snapshot. All 2 acknowledged billing updates applied exactly once, and none of the 1 unacknowledged one more than once (0 of them landed).',
    );
  });

  it('fails on a billing update applied twice or lost, and is inconclusive without its snapshot', () => {
    const journal = [update('b1'), update('b2'), tickets([]), billing([{ key: 'b1' }, { key: 'b1' }])];
    const [v] = runChecks([writesExactlyOnce()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'acknowledged write with key b1 is stored 2 times',
      'acknowledged write with key b2 is missing from the final snapshot',
    ]);
    const [missing] = runChecks([writesExactlyOnce()], [update('b1'), tickets([])]);
    expect(missing?.status).toBe('inconclusive');
    expect(missing?.summary).toContain('no billing snapshot');
  });
});
