import { describe, expect, it } from 'vitest';
import { recoversWithin } from './recovers-within.ts';
import { runChecks } from './run.ts';
import { call, fault, type JournalRecord } from './test-journal.ts';

const ok = (at: number) => call({ at });
const bad = (at: number) => call({ at, outcome: 'transport-error', code: 'ECONNRESET' });
const check = () => recoversWithin({ ms: 1000, window: 3, minCalls: 5 });

describe('recoversWithin', () => {
  it('passes when good calls resume within the budget, counting business errors as good', () => {
    const journal: JournalRecord[] = [
      fault('inject', 0),
      bad(50), // before the heal: ignored
      fault('heal', 100),
      bad(150),
      bad(400),
      call({ at: 600, outcome: 'error', code: 'NOT_FOUND' }),
      ok(700),
      ok(800),
      ok(900),
    ];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'Recovered 500 ms after the last heal (budget 1,000 ms): the 4 calls from then on all succeeded.',
    );
  });

  it('measures from the last heal and orders calls by actual start, not journal order', () => {
    const journal = [
      fault('heal', 0),
      fault('heal', 5000),
      ok(5400),
      bad(5200),
      ok(5500),
      ok(5600),
      ok(5700),
    ];
    expect(runChecks([check()], journal)[0]?.summary).toMatch(/^Recovered 400 ms after/);
  });

  it('fails when recovery takes longer than the budget, with the late bad calls as evidence', () => {
    const late = bad(1800);
    const journal = [fault('heal', 100), bad(200), late, ok(1900), ok(2000), ok(2100)];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(/^Recovered only 1,800 ms after the last heal, over the 1,000 ms budget/);
    expect(v?.evidence.map((e) => e.correlationId)).toEqual([late.correlationId]);
  });

  it('fails when it never settles: a bad call near the end', () => {
    const last = bad(600);
    const journal = [fault('heal', 100), ok(200), ok(300), ok(400), ok(500), last, ok(700)];
    const [v] = runChecks([check()], journal);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(/^Did not recover: .* only 1 good call followed \(3 needed/);
    expect(v?.evidence[0]?.correlationId).toBe(last.correlationId);
  });

  it('is inconclusive without a heal or with too few calls after it', () => {
    expect(runChecks([check()], [ok(1), ok(2), ok(3), ok(4), ok(5)])[0]?.status).toBe('inconclusive');
    const [v] = runChecks([check()], [ok(1), fault('heal', 2), ok(3), ok(4)]);
    expect(v?.status).toBe('inconclusive');
    expect(v?.summary).toMatch(/^Only 2 calls started after the last heal \(at least 5 needed\)/);
  });
});
