import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../journal/index.ts';
import { gracefulErrors } from './graceful-errors.ts';
import { runChecks } from './run.ts';
import { call, dataset } from './test-journal.ts';

const toolError = (code: string, message: string, extra: Partial<CallRecord> = {}) =>
  call({ outcome: 'error', code, message, result: { error: { code, message } }, ...extra });

describe('gracefulErrors', () => {
  it('passes well-formed errors with stable codes and helpful messages, and says how close they came', () => {
    const journal = [
      dataset(),
      call(),
      toolError('NOT_FOUND', 'customer not found'),
      toolError('UNAVAILABLE', 'the database is temporarily unavailable, retry in a moment'),
      call({ outcome: 'timeout', code: 'CLIENT_TIMEOUT', message: 'Request timed out' }), // not the target's words
      call({ outcome: 'transport-error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }),
    ];
    const [v] = runChecks([gracefulErrors()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'All 2 error answers were graceful (codes NOT_FOUND, UNAVAILABLE; longest message 58 of 500 characters).',
    );
  });

  it('names each way an error answer is not graceful, with the call that gave it', () => {
    const bad = [
      call({ outcome: 'error', code: 'UNSTRUCTURED_ERROR', message: 'boom happened here' }),
      toolError('not_found', 'customer not found'),
      toolError('INTERNAL', 'Internal Server Error'),
      toolError('INTERNAL', ''),
      toolError('INTERNAL', 'x'.repeat(600)),
      toolError('INTERNAL', 'failed\n    at Repository.findCustomer (/app/src/db/repository.ts:62:18)'),
      toolError('INTERNAL', 'SELECT id, name FROM customers WHERE tenant_id = $1 failed'),
      toolError('INTERNAL', 'relation "customers" does not exist'),
      toolError('INTERNAL', 'cannot reach postgres://app:s3cret@db:5432/app'),
      toolError(
        'INTERNAL',
        'token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLXBhcnQ was rejected',
      ),
      toolError('NOT_FOUND', 'customer c3 belongs elsewhere'), // c3 is tenant t2's; the caller is of t1
      toolError('UNAVAILABLE', 'admin token hunter22 is wrong'),
      call({
        outcome: 'protocol-error',
        code: 'JSONRPC_-32603',
        message: 'Error: at Object.<anonymous> (/app/x.js:1:2)',
      }),
      call({
        outcome: 'transport-error',
        code: 'HTTP_500',
        message: 'Error POSTing to endpoint: duplicate key value violates unique constraint',
      }),
    ];
    const [v] = runChecks([gracefulErrors({ secrets: ['hunter22'] })], [dataset(), ...bad]);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('14 error answers of 14 were not graceful.');
    const said = v?.evidence.map((e) => e.message) ?? [];
    expect(said).toEqual([
      expect.stringContaining('not well formed'),
      expect.stringContaining('code "not_found" is not a stable UPPER_SNAKE_CASE code'),
      expect.stringContaining('an unhelpful message ("Internal Server Error")'),
      expect.stringContaining('no message'),
      expect.stringContaining('a 600-character message'),
      expect.stringContaining('it shows a stack trace'),
      expect.stringContaining('it shows SQL'),
      expect.stringContaining('it shows SQL'),
      expect.stringContaining('it shows a credential'),
      expect.stringContaining('it shows a credential'),
      expect.stringContaining("it names another tenant's customer c3"),
      expect.stringContaining('it shows a configured secret'),
      expect.stringContaining('it shows a stack trace'),
      expect.stringContaining('it shows SQL'),
    ]);
    expect(v?.evidence.every((e) => e.correlationId?.startsWith('corr-'))).toBe(true);
  });

  it("does not flag the caller's own tenant's ids, and says when none failed or nothing ran", () => {
    const own = toolError('NOT_FOUND', 'order o1 of customer c1 has no ticket');
    expect(runChecks([gracefulErrors()], [dataset(), own])[0]?.status).toBe('pass');
    expect(runChecks([gracefulErrors()], [dataset(), call()])[0]?.summary).toBe(
      'No error answers to judge: none of 1 call failed at the target.',
    );
    expect(runChecks([gracefulErrors()], [dataset()])[0]?.status).toBe('inconclusive');
  });

  it('reads the structured result too, not only the message', () => {
    const hidden = call({
      outcome: 'error',
      code: 'INTERNAL',
      message: 'the request failed',
      result: {
        error: { code: 'INTERNAL', message: 'the request failed', detail: 'syntax error at or near "FROM"' },
      },
    });
    expect(runChecks([gracefulErrors()], [dataset(), hidden])[0]?.evidence[0]?.message).toContain(
      'it shows SQL',
    );
  });
});

describe('gracefulErrors and the knowledge base', () => {
  it("flags an error naming another tenant's article, not the caller's own", () => {
    const article = (id: string, tenantId: string) => ({
      id,
      tenantId,
      title: 't',
      body: 'b',
      visibility: 'public' as const,
    });
    const withArticles = { ...dataset(), articles: [article('kb1', 't1'), article('kb9', 't2')] };
    const [own] = runChecks(
      [gracefulErrors()],
      [withArticles, toolError('NOT_FOUND', 'article kb1 is gone')],
    );
    expect(own?.status).toBe('pass');
    const [foreign] = runChecks(
      [gracefulErrors()],
      [withArticles, toolError('NOT_FOUND', 'article kb9 is gone')],
    );
    expect(foreign?.evidence[0]?.message).toContain("it names another tenant's article kb9");
  });
});
