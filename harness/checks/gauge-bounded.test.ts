import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/index.ts';
import { gaugeBounded } from './gauge-bounded.ts';

const probe = (at: number, values: Record<string, number>, name = 'metrics'): JournalRecord => ({
  type: 'probe',
  name,
  at,
  ok: true,
  latencyMs: 1,
  values,
});

function judge(records: JournalRecord[], max = 10) {
  const check = gaugeBounded('mcp_sessions_open', { max });
  const state = check.init();
  for (const record of records) check.update(state, record);
  return check.finish(state);
}

describe('gaugeBounded', () => {
  it('passes while the series stays at or under its max, and says the peak', () => {
    const v = judge([probe(1, { mcp_sessions_open: 3 }), probe(2, { mcp_sessions_open: 10 })]);
    expect(v.status).toBe('pass');
    expect(v.summary).toContain('peak 10');
  });

  it('fails on every sample above the max, with evidence', () => {
    const v = judge([probe(1, { mcp_sessions_open: 11 }), probe(2, { mcp_sessions_open: 480 })]);
    expect(v.status).toBe('fail');
    expect(v.evidenceTotal).toBe(2);
    expect(v.summary).toContain('2 of 2 samples');
  });

  it('is inconclusive when no sample carried the series (other probes and series ignored)', () => {
    const v = judge([probe(1, { other: 99 }), probe(2, { mcp_sessions_open: 99 }, 'process')]);
    expect(v.status).toBe('inconclusive');
  });
});
