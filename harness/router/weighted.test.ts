import { describe, expect, it } from 'vitest';
import { pickSmooth } from './weighted.ts';

function peers(...weights: number[]) {
  return weights.map((weight, i) => ({ id: String.fromCharCode(97 + i), weight, current: 0 }));
}

function sequence(list: ReturnType<typeof peers>, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += pickSmooth(list)?.id ?? '-';
  return out;
}

describe('pickSmooth', () => {
  it('spreads 5:1:1 as nginx does', () => {
    expect(sequence(peers(5, 1, 1), 7)).toBe('aabacaa');
  });

  it('is exact over whole cycles and never bunches the light peer', () => {
    const list = peers(1, 3);
    const picks = sequence(list, 400);
    expect([...picks].filter((c) => c === 'a').length).toBe(100);
    expect(picks).not.toContain('aa');
    expect(picks.slice(0, 8)).toBe('babbbabb');
  });

  it('skips weight 0 and answers undefined when nothing has weight', () => {
    expect(sequence(peers(0, 2), 3)).toBe('bbb');
    expect(pickSmooth(peers(0, 0))).toBeUndefined();
    expect(pickSmooth([])).toBeUndefined();
  });
});
