import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { auditComplete } from './audit-complete.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

function audit(correlationIds: (string | null)[]): RecordOf<'snapshot'> {
  return {
    type: 'snapshot',
    name: 'audit',
    at: 1e6,
    audit: correlationIds.map((correlationId) => ({ correlationId, tool: 'lookup_customer', outcome: 'OK' })),
  };
}

describe('auditComplete', () => {
  it('passes: answered calls once, unanswered at most once, foreign rows counted', () => {
    const ok = call();
    const error = call({ outcome: 'error', code: 'DEPENDENCY_UNAVAILABLE' });
    const lostAnswer = call({ outcome: 'timeout' }); // audited before the answer was lost
    const refused = call({ outcome: 'transport-error' }); // never reached the server
    const [v] = runChecks(
      [auditComplete()],
      [
        ok,
        error,
        lostAnswer,
        refused,
        audit([ok.correlationId, error.correlationId, lostAnswer.correlationId, 'other', null]),
      ],
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 2 answered calls are in the audit log exactly once, and none of the 2 unanswered ones more than once (1 of them audited) (5 rows; 2 audit rows for calls this run did not send).',
    );
  });

  it('fails on an answered call missing from the log and on a duplicate, naming each', () => {
    const spooled = call({ outcome: 'error', code: 'DEPENDENCY_UNAVAILABLE', phase: 'outage' });
    const twice = call({ outcome: 'timeout' });
    const fine = call();
    const [v] = runChecks(
      [auditComplete()],
      [spooled, twice, fine, audit([twice.correlationId, twice.correlationId, fine.correlationId])],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe(
      'The audit log is incomplete: 1 answered but not audited, 1 audited more than once, of 3 calls (3 rows).',
    );
    expect(v?.evidence).toEqual([
      {
        correlationId: spooled.correlationId,
        message: 'lookup_customer DEPENDENCY_UNAVAILABLE in phase outage: answered, but not in the audit log',
      },
      { correlationId: twice.correlationId, message: 'lookup_customer: audited 2 times' },
    ]);
  });

  it('is inconclusive without an audit snapshot (a target without an audit log)', () => {
    const [v] = runChecks([auditComplete()], [call()]);
    expect(v?.status).toBe('inconclusive');
    expect(v?.summary).toContain('GET /dataset/audit');
  });
});
