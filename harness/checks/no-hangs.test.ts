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

describe('noHangs with phases set aside', () => {
  it('does not judge the calls of an excepted phase, and says so', () => {
    const check = noHangs({ maxMs: 1000, exceptPhases: ['answers-lost'] });
    const state = check.init();
    check.update(state, call({ at: 0, ms: 10, phase: 'baseline' }));
    check.update(state, { type: 'phase', name: 'answers-lost', event: 'start', at: 95 });
    // Started before the phase, caught by it: set aside too.
    check.update(state, call({ at: 90, ms: 2000, phase: 'baseline', outcome: 'timeout' }));
    check.update(state, call({ at: 100, ms: 2000, phase: 'answers-lost', outcome: 'timeout' }));
    check.update(state, { type: 'phase', name: 'answers-lost', event: 'end', at: 150 });
    const v = check.finish(state);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('2 calls in flight during answers-lost not judged.');
    check.update(state, call({ at: 200, ms: 2000, phase: 'recovery', outcome: 'timeout' }));
    expect(check.finish(state).status).toBe('fail');
  });
});
