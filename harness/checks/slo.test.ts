import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/index.ts';
import { slo, sloThresholds } from './slo.ts';
import { call } from './test-journal.ts';
import type { Check } from './types.ts';

function judge<S>(check: Check<S>, records: JournalRecord[]) {
  const state = check.init();
  for (const r of records) if (check.needs.includes(r.type)) check.update(state, r);
  return check.finish(state);
}

describe('slo', () => {
  it('turns objectives into k6 thresholds per phase and tool', () => {
    expect(sloThresholds({ 'p(95)': '<150ms', errorRate: '<1%' }, { phases: ['baseline'] })).toEqual({
      'call_duration{phase:baseline}': ['p(95)<150'],
      'call_failed{phase:baseline}': ['rate<0.01'],
    });
    expect(sloThresholds({ max: '<2s' }, { phases: ['a', 'b'], tools: ['list_orders'] })).toEqual({
      'call_duration{phase:a,tool:list_orders}': ['max<2000'],
      'call_duration{phase:b,tool:list_orders}': ['max<2000'],
    });
  });

  it('rejects an objective it cannot read, naming it', () => {
    expect(() => slo({ 'p(95)': 'fast' })).toThrow(/p\(95\): 'fast' is not an objective: write '<150ms'/);
    expect(() => slo({ errorRate: '<5ms' })).toThrow(/errorRate/);
    expect(() => slo({ p95: '<1s' } as never)).toThrow(/unknown objective p95/);
    expect(() => slo({})).toThrow(/no objective/);
  });

  it('passes with each objective beside its limit, judging only the phases named', () => {
    const records = [
      ...Array.from({ length: 100 }, (_, i) => call({ at: i, ms: 20, phase: 'baseline' })),
      // A fault phase full of failures does not count against the baseline's objectives.
      ...Array.from({ length: 50 }, (_, i) =>
        call({ at: 200 + i, ms: 9000, phase: 'fault', outcome: 'timeout' }),
      ),
    ];
    const v = judge(slo({ 'p(95)': '<150ms', errorRate: '<1%' }, { phases: ['baseline'] }), records);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('p(95) (phase:baseline) 20 ms (limit <150 ms)');
    expect(v.summary).toContain('error rate (phase:baseline) 0.00% (limit <1.00%)');
  });

  it('fails naming the missed objective and the failed calls as evidence', () => {
    const records = [
      ...Array.from({ length: 90 }, (_, i) => call({ at: i, ms: 20, phase: 'fault' })),
      ...Array.from({ length: 10 }, (_, i) =>
        call({ at: 100 + i, ms: 30, phase: 'fault', outcome: 'error', code: 'UNAVAILABLE' }),
      ),
    ];
    const v = judge(slo({ errorRate: '<1%' }, { phases: ['fault'], name: 'steadyState' }), records);
    expect(v.check).toBe('steadyState');
    expect(v.status).toBe('fail');
    expect(v.summary).toContain('error rate (phase:fault) 10.00% (limit <1.00%)');
    expect(v.evidence.filter((e) => e.correlationId).length).toBe(10);
    expect(v.evidence[1]?.message).toMatch(/lookup_customer error UNAVAILABLE/);
  });

  it('is inconclusive when no call fell in its phases', () => {
    const v = judge(slo({ 'p(99)': '<1s' }, { phases: ['recovery'] }), [call({ phase: 'baseline' })]);
    expect(v.status).toBe('inconclusive');
  });
});

describe('slo around fault transitions', () => {
  it('leaves out calls in flight while a fault came or went, and says how many', () => {
    const records = [
      ...Array.from({ length: 50 }, (_, i) => call({ at: i * 10, ms: 5, phase: 'baseline' })),
      {
        type: 'fault',
        fault: 'latency(target→postgres, 3000 ms, downstream)',
        event: 'inject',
        at: 600,
      } as const,
      // Started in the baseline, caught by the inject at 600 (journaled when it ends, after the
      // inject): judged by neither phase.
      call({ at: 590, ms: 3000, phase: 'baseline', outcome: 'error', code: 'TIMEOUT' }),
    ];
    const v = judge(slo({ errorRate: '<1%' }, { phases: ['baseline'] }), records);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('(1 call in flight while a fault came or went left out)');
  });

  it('counts a fault as coming from the start of its action: a kill is journaled once the target exited', () => {
    const records = [
      ...Array.from({ length: 50 }, (_, i) => call({ at: i * 10, ms: 5, phase: 'baseline' })),
      { type: 'fault', fault: 'kill(target, SIGKILL)', event: 'injecting', at: 600 } as const,
      // Failed while the kill was under way, ended before the inject completed at 700.
      call({ at: 590, ms: 30, phase: 'baseline', outcome: 'transport-error', code: 'ECONNRESET' }),
      { type: 'fault', fault: 'kill(target, SIGKILL)', event: 'inject', at: 700 } as const,
    ];
    const v = judge(slo({ errorRate: '<1%' }, { phases: ['baseline'] }), records);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('(1 call in flight while a fault came or went left out)');
  });
});

describe('slo of one stream', () => {
  const noisy = (c: ReturnType<typeof call>) => ({ ...c, correlationId: `run1-noisy-${c.correlationId}` });
  const records = [
    ...Array.from({ length: 100 }, (_, i) => call({ at: i, ms: 20, phase: 'noisy' })),
    // The noisy user's own flood: shed and slow, which is its business alone.
    ...Array.from({ length: 300 }, (_, i) =>
      noisy(call({ at: i, ms: 3, phase: 'noisy', outcome: 'error', code: 'RATE_LIMITED' })),
    ),
    ...Array.from({ length: 20 }, (_, i) => noisy(call({ at: i, ms: 4000, phase: 'noisy' }))),
  ];

  it("judges only the workload's users with stream main, and says so", () => {
    const objectives = { 'p(99)': '<500ms', errorRate: '<1%' } as const;
    const v = judge(slo(objectives, { phases: ['noisy'], stream: 'main' }), records);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('p(99) (phase:noisy) 20 ms');
    expect(v.summary).toContain("the main stream's calls only: the noisy user's left out");
    expect(judge(slo(objectives, { phases: ['noisy'] }), records).status).toBe('fail');
  });

  it('fails when the main stream itself suffers', () => {
    const busy = () => call({ at: 50, ms: 2100, phase: 'noisy', outcome: 'error', code: 'BUSY' });
    const hurt = [...records, busy(), busy()];
    const v = judge(slo({ errorRate: '<1%' }, { phases: ['noisy'], stream: 'main' }), hurt);
    expect(v.status).toBe('fail');
    expect(v.evidence.some((e) => /BUSY after 2,100 ms/.test(e.message))).toBe(true);
  });
});
