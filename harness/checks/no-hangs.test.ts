import { describe, expect, it } from 'vitest';
import { noHangs } from './no-hangs.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

describe('noHangs', () => {
  it('passes when every call ends within maxMs', () => {
    const [v] = runChecks([noHangs()], [call({ ms: 10 }), call({ ms: 2100 })]);
    expect(v).toMatchObject({ check: 'noHangs', status: 'pass', evidenceTotal: 0 });
    expect(v?.summary).toBe('All 2 calls ended within 5,000 ms (slowest 2,100 ms, margin 2,900 ms).');
  });

  it('fails on slow calls and timeouts, measuring from the actual start', () => {
    const slow = call({ ms: 20_004.4 });
    const timedOut = call({ ms: 100, outcome: 'timeout' });
    // Started 9 s late by the driver but served in 10 ms: not the target's hang.
    const late = call({ intendedStart: 0, actualStart: 9000, end: 9010 });
    const [v] = runChecks([noHangs()], [slow, timedOut, late, call()]);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toBe('2 of 4 calls ran longer than 5,000 ms or timed out (slowest 20,004 ms).');
    expect(v?.evidence.map((e) => e.correlationId)).toEqual([slow.correlationId, timedOut.correlationId]);
  });

  it('caps evidence at 20 items and counts them all', () => {
    const calls = Array.from({ length: 25 }, () => call({ ms: 10, outcome: 'timeout' }));
    const [v] = runChecks([noHangs({ maxMs: 1 })], calls);
    expect(v?.evidence).toHaveLength(20);
    expect(v?.evidenceTotal).toBe(25);
  });

  it('is inconclusive without calls', () => {
    expect(runChecks([noHangs()], [])[0]?.status).toBe('inconclusive');
  });
});
