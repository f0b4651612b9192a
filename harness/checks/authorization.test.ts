import { describe, expect, it } from 'vitest';
import { authorization } from './authorization.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

const allowed = { agent: ['lookup_customer', 'search_knowledge_base'], billing_admin: ['update_billing'] };
const as = (
  role: 'agent' | 'billing_admin' | 'manager',
  tool: string,
  answer: { outcome?: 'ok' | 'error' | 'timeout'; code?: string } = {},
) => call({ identity: { tenant: 't1', role }, tool, outcome: answer.outcome ?? 'ok', code: answer.code });
const forbidden = { outcome: 'error', code: 'FORBIDDEN' } as const;

describe('authorization', () => {
  it('passes when forbidden calls are refused and permitted ones are not', () => {
    const [v] = runChecks(
      [authorization({ allowed })],
      [
        as('agent', 'lookup_customer'),
        as('agent', 'update_billing', forbidden),
        as('billing_admin', 'search_knowledge_base', forbidden),
        as('billing_admin', 'update_billing', { outcome: 'error', code: 'NOT_FOUND' }), // permitted, answered
        as('manager', 'analytics_summary'), // a role the table does not name
        as('agent', 'analytics_summary', { outcome: 'timeout' }), // no answer to judge
      ],
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 2 forbidden calls were refused with FORBIDDEN (agent→update_billing, billing_admin→search_knowledge_base); none of 2 permitted calls was. 2 calls had no answer or a role the table does not name and were not judged.',
    );
  });

  it('fails on a forbidden call served, one answered with another code, and a permitted call refused', () => {
    const served = as('agent', 'update_billing');
    const [v] = runChecks(
      [authorization({ allowed })],
      [
        served,
        as('agent', 'analytics_summary', { outcome: 'error', code: 'INVALID_ARGUMENT' }),
        as('billing_admin', 'update_billing', forbidden),
        as('agent', 'create_ticket', forbidden),
      ],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      '1 forbidden call served, 1 forbidden call answered with another code than FORBIDDEN, 1 permitted call refused.',
    );
    expect(v?.evidence[0]).toEqual({
      correlationId: served.correlationId,
      message: 'agent of tenant t1 was served update_billing, which the table forbids it',
    });
    expect(v?.evidence.map((e) => e.message).slice(1)).toEqual([
      'agent of tenant t1 called analytics_summary, which the table forbids it, and was answered INVALID_ARGUMENT, not FORBIDDEN',
      'billing_admin of tenant t1 was refused update_billing, which the table allows',
    ]);
  });

  it('is inconclusive when no forbidden call was made', () => {
    const [v] = runChecks([authorization({ allowed })], [as('agent', 'lookup_customer')]);
    expect(v?.status).toBe('inconclusive');
  });
});
