import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';
import { aggregate, parseThreshold } from './threshold-expression.ts';
import { thresholds } from './thresholds.ts';

describe('k6 threshold expressions', () => {
  it('parses aggregations, operators and numbers', () => {
    expect(parseThreshold('p(95)<500')).toMatchObject({
      aggregation: { kind: 'p', percentile: 95 },
      operator: '<',
      value: 500,
    });
    expect(parseThreshold(' rate <= 0.01 ')).toMatchObject({
      aggregation: { kind: 'rate' },
      operator: '<=',
      value: 0.01,
    });
    expect(parseThreshold('p(99.9)>=1')).toMatchObject({ aggregation: { kind: 'p', percentile: 99.9 } });
  });

  it.each(['p95<500', 'p(0)<1', 'avg<', 'mean<3', 'max=>1'])(
    'rejects %j with the syntax to use',
    (source) => {
      expect(() => parseThreshold(source)).toThrow(HarnessError);
    },
  );

  it('aggregates by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(aggregate(sorted, { kind: 'p', percentile: 95 })).toBe(95);
    expect(aggregate(sorted, { kind: 'med' })).toBe(50);
    expect(aggregate(sorted, { kind: 'avg' })).toBe(50.5);
    expect(aggregate([], { kind: 'count' })).toBe(0);
    expect(aggregate([], { kind: 'max' })).toBeUndefined();
  });
});

describe('thresholds', () => {
  const fast = Array.from({ length: 19 }, () => call({ ms: 100, tool: 'lookup_customer' }));
  const slow = call({ ms: 900, tool: 'list_orders' });
  const broken = call({ ms: 5, outcome: 'transport-error', code: 'ECONNREFUSED' });
  const notFound = call({ ms: 5, outcome: 'error', code: 'NOT_FOUND' });

  it('passes when every threshold holds', () => {
    const [v] = runChecks(
      [thresholds({ call_duration: ['p(95)<500', 'max<1000'], calls: ['count==20'] })],
      [...fast, slow],
    );
    expect(v).toMatchObject({ status: 'pass', summary: 'All 3 thresholds held.' });
  });

  it('fails with the crossed threshold and its actual value, filtered by tags', () => {
    const [v] = runChecks(
      [thresholds({ 'call_duration{tool:list_orders}': ['p(95)<500'], call_failed: ['rate<0.05'] })],
      [...fast, slow, broken, notFound],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('1 of 2 thresholds crossed.');
    // 1 real failure in 22 calls (the NOT_FOUND is a business answer): 0.045 holds under 0.05.
    expect(v?.evidence.map((e) => e.message)).toEqual([
      'call_duration{tool:list_orders}: p(95)<500 crossed (actual 900)',
    ]);
  });

  it('counts only real failures in call_failed (a business answer is not one)', () => {
    const [v] = runChecks([thresholds({ call_failed: ['rate<0.1'] })], [...fast, notFound, broken]);
    expect(v?.status).toBe('pass');
  });

  it('is inconclusive when no call matched a threshold', () => {
    const [v] = runChecks([thresholds({ 'call_duration{phase:recovery}': ['p(95)<500'] })], fast);
    expect(v?.status).toBe('inconclusive');
  });

  it('rejects unknown metrics and tags when defined', () => {
    expect(() => thresholds({ http_req_duration: ['p(95)<500'] })).toThrow(/unknown: use call_duration/);
    expect(() => thresholds({ 'call_duration{url:x}': ['p(95)<500'] })).toThrow(/tag 'url:x'/);
  });
});
