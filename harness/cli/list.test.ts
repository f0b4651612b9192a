import { describe, expect, it } from 'vitest';
import { Fault } from '../faults/index.ts';
import { Expect } from '../scenario/index.ts';
import { CHECK_LINES, FAULT_LINES, list } from './list.ts';

describe('mcp-chaos list', () => {
  it('has a line for every fault of the catalog and every check of Expect', () => {
    expect(Object.keys(FAULT_LINES).sort()).toEqual(Object.keys(Fault).sort());
    expect(Object.keys(Expect).filter((k) => !(k in CHECK_LINES))).toEqual([]);
  });

  it('prints the built-in scenarios, the faults and the checks, one line each', async () => {
    let out = '';
    expect(await list((t) => (out += t))).toBe(0);
    expect(out).toMatch(/^Scenarios \(mcp-chaos run NAME…\):\n {2}steady-load +Steady load with no fault/);
    expect(out).toContain("  restart('postgres') ");
    expect(out).toContain('  noisyUser({ rate }) ');
    expect(out).toMatch(/\n {2}healthTruthful +\/readyz degrades/);
  });
});
