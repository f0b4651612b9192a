import { describe, expect, it } from 'vitest';
import { margin, noHangs, recoversWithin, runChecks, thresholds, tightest } from './index.ts';
import { call, fault } from './test-journal.ts';

describe('a verdict margin', () => {
  it('is the distance to the limit as a fraction of it, negative once crossed', () => {
    expect(margin(400, 500, 'ms')).toMatchObject({ headroom: 0.2, better: 'lower' });
    expect(margin(600, 500, 'ms').headroom).toBeCloseTo(-0.2);
    expect(margin(0.999, 0.99, 'ratio', 'higher').headroom).toBeCloseTo(0.00909, 4);
    expect(margin(3, 0, 'count').headroom).toBeNull();
  });

  it('of several, the tightest is the one nearest to or furthest past its limit', () => {
    const picked = tightest([
      margin(100, 500, 'ms'),
      undefined,
      margin(480, 500, 'ms'),
      margin(0.5, 0.1, 'ratio'),
    ]);
    expect(picked).toMatchObject({ value: 0.5, limit: 0.1 });
    expect(tightest([])).toBeUndefined();
  });

  it('is carried by the checks that judge one figure against a limit', () => {
    const T = 1_000_000;
    const records = [
      call({ at: T, ms: 40 }),
      fault('inject', T + 100),
      call({ at: T + 200, ms: 5, outcome: 'transport-error' }),
      fault('heal', T + 1_000),
      call({ at: T + 1_300, ms: 5, outcome: 'transport-error' }),
      ...Array.from({ length: 10 }, (_, i) => call({ at: T + 1_500 + i * 10, ms: 5 })),
    ];
    const [hangs, recovery, limits] = runChecks(
      [
        noHangs({ maxMs: 100 }),
        recoversWithin({ ms: 2_000, window: 5, minCalls: 5 }),
        thresholds({ call_duration: ['p(95)<50', 'max<45'] }),
      ],
      records,
    );
    expect(hangs?.margin).toMatchObject({ value: 40, limit: 100, headroom: 0.6, of: 'slowest call' });
    expect(recovery?.margin).toMatchObject({ value: 500, limit: 2_000, unit: 'ms' });
    expect(limits?.status).toBe('pass');
    expect(limits?.margin).toMatchObject({ value: 40, limit: 45, of: 'call_duration max<45' });
  });
});
