import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/index.ts';
import { shedsExcess } from './sheds-excess.ts';
import { call, fault } from './test-journal.ts';
import type { Check } from './types.ts';

function judge<S>(check: Check<S>, records: JournalRecord[]) {
  const state = check.init();
  for (const r of records) if (check.needs.includes(r.type)) check.update(state, r);
  return check.finish(state);
}

const baseline = (ms = 200) =>
  Array.from({ length: 100 }, (_, i) => call({ at: i * 10, ms: i >= 98 ? ms * 1.5 : ms, phase: 'baseline' }));
const served = (n: number, ms: number, from = 2000) =>
  Array.from({ length: n }, (_, i) => call({ at: from + i * 5, ms, phase: 'spike' }));
const shed = (n: number, answerMs = 3, from = 3000, extra: Partial<Parameters<typeof call>[0]> = {}) =>
  Array.from({ length: n }, (_, i) =>
    call({
      at: from + i * 5,
      ms: answerMs,
      phase: 'spike',
      outcome: 'error',
      code: 'BUSY',
      message: 'busy, retry after 500 ms (the server is at its limit of 20 calls in flight)',
      result: { error: { code: 'BUSY', message: 'busy', retryAfterMs: 500 } },
      ...extra,
    }),
  );

describe('shedsExcess', () => {
  it('passes when the only failures are fast sheds and served calls keep their latency', () => {
    const v = judge(shedsExcess({ phases: ['spike'] }), [...baseline(), ...served(200, 400), ...shed(150)]);
    expect(v.status).toBe('pass');
    expect(v.summary).toBe(
      'In spike: 200 calls served, p99 of served calls 400 ms (limit 3x the baseline p99 300 ms = 900 ms), margin 500 ms; 150 calls shed (p95 answer 3 ms, limit 250 ms); no other failure.',
    );
  });

  it('fails when served calls queue: their p99 above the factor times the baseline, slowest named', () => {
    const v = judge(shedsExcess({ phases: ['spike'], latencyFactor: 3 }), [
      ...baseline(),
      ...served(100, 400),
      ...served(20, 2500, 4000),
    ]);
    expect(v.status).toBe('fail');
    expect(v.summary).toContain('p99 of served calls 2,500 ms (limit 3x the baseline p99 300 ms = 900 ms)');
    expect(v.evidence.filter((e) => e.message.startsWith('served after 2,500 ms')).length).toBe(5);
  });

  it('fails on failures that are not sheds: timeouts, unavailable answers, transport errors', () => {
    const v = judge(shedsExcess({ phases: ['spike'] }), [
      ...baseline(),
      ...served(100, 300),
      call({ at: 2500, ms: 2100, phase: 'spike', outcome: 'error', code: 'DEPENDENCY_UNAVAILABLE' }),
      call({ at: 2600, ms: 15_000, phase: 'spike', outcome: 'timeout' }),
    ]);
    expect(v.status).toBe('fail');
    expect(v.summary).toMatch(/^In spike: 2 failed calls of 102 not a shed with a retry-after;/);
    expect(v.evidence.map((e) => e.message)).toEqual([
      'lookup_customer error DEPENDENCY_UNAVAILABLE after 2,100 ms: not a shed',
      'lookup_customer timeout after 15,000 ms: not a shed',
    ]);
  });

  it('fails on a shed without a retry-after figure', () => {
    const v = judge(shedsExcess({ phases: ['spike'] }), [
      ...baseline(),
      ...served(50, 300),
      ...shed(1, 2, 3100, { message: 'busy', result: { error: { code: 'BUSY', message: 'busy' } } }),
      // The figure in the message alone is enough.
      ...shed(1, 2, 3200, { message: 'busy, retry after 120 ms', result: undefined }),
    ]);
    expect(v.status).toBe('fail');
    expect(v.evidence.map((e) => e.message)).toEqual([
      'lookup_customer error BUSY after 2 ms: no retry-after figure',
    ]);
  });

  it('fails when sheds are slow (their p95 above fastMs), naming the slowest; a few stragglers pass', () => {
    const straggling = [...baseline(), ...served(50, 300), ...shed(97, 5), ...shed(3, 900, 4000)];
    expect(judge(shedsExcess({ phases: ['spike'], fastMs: 100 }), straggling).status).toBe('pass');
    const queued = [...baseline(), ...served(50, 300), ...shed(80, 5), ...shed(20, 900, 4000)];
    const v = judge(shedsExcess({ phases: ['spike'], fastMs: 100 }), queued);
    expect(v.status).toBe('fail');
    expect(v.summary).toContain('sheds slow: p95 answer 900 ms (limit 100 ms)');
    expect(v.evidence.length).toBe(5);
    expect(v.evidence[0]?.message).toBe('lookup_customer error BUSY after 900 ms');
  });

  it("judges only the stream asked for: a noisy user's sheds and latency are its own", () => {
    const noisy = (c: ReturnType<typeof call>) => ({ ...c, correlationId: `run1-noisy-${c.correlationId}` });
    const records = [
      ...baseline(),
      ...served(50, 300),
      ...served(50, 5000, 4000).map(noisy),
      call({ at: 4500, ms: 15_000, phase: 'spike', outcome: 'timeout' }),
    ];
    // The noisy user was silent in the baseline: it has no latency of its own to compare with.
    const v = judge(shedsExcess({ phases: ['spike'], stream: 'noisy' }), records);
    expect(v.status).toBe('inconclusive');
    expect(judge(shedsExcess({ phases: ['spike'], stream: 'main' }), records).status).toBe('fail');
    const mainOnly = judge(
      shedsExcess({ phases: ['spike'], stream: 'main', minSheds: 0 }),
      records.slice(0, -1),
    );
    expect(mainOnly.status).toBe('pass');
    expect(mainOnly.summary).toMatch(/^In spike, main stream: 50 calls served/);
  });

  it('leaves out calls in flight while a fault came or went', () => {
    const v = judge(shedsExcess({ phases: ['spike'], minSheds: 0 }), [
      ...baseline(),
      fault('inject', 1990, 'spike(x4)'),
      call({ at: 1980, ms: 3000, phase: 'spike', outcome: 'timeout' }),
      ...served(50, 300),
    ]);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('(1 call in flight while a fault came or went left out)');
  });

  it('is inconclusive when the overload shed fewer than minSheds calls: shedding was not exercised', () => {
    const records = [...baseline(), ...served(100, 300)];
    const v = judge(shedsExcess({ phases: ['spike'] }), records);
    expect(v.status).toBe('inconclusive');
    expect(v.summary).toContain('no call shed (at least 1 expected)');
    expect(judge(shedsExcess({ phases: ['spike'], minSheds: 0 }), records).status).toBe('pass');
    const few = [...records, ...shed(3)];
    expect(judge(shedsExcess({ phases: ['spike'], minSheds: 5 }), few).status).toBe('inconclusive');
    expect(judge(shedsExcess({ phases: ['spike'], minSheds: 3 }), few).status).toBe('pass');
  });

  it('is inconclusive without calls to judge or a baseline to compare with', () => {
    expect(judge(shedsExcess({ phases: ['spike'] }), baseline()).status).toBe('inconclusive');
    const v = judge(shedsExcess({ phases: ['spike'] }), served(10, 100));
    expect(v.status).toBe('inconclusive');
    expect(v.summary).toContain('No served calls in phase baseline');
  });
});
