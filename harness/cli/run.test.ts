import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planPasses } from './run.ts';

const names = (files: string[]) => files.map((f) => basename(f, '.scenario.ts')).sort();

describe('planPasses', () => {
  it('runs the exclusive built-in scenarios alone first, then the others at the concurrency asked', async () => {
    const passes = await planPasses([], 2);
    expect(passes.map((p) => p.concurrency)).toEqual([1, 2]);
    expect(names(passes[0]?.files ?? [])).toEqual(['load-surge', 'noisy-neighbour', 'session-churn']);
    expect(names(passes[1]?.files ?? [])).toContain('steady-load');
    expect(names(passes[1]?.files ?? [])).not.toContain('load-surge');
  });

  it('keeps one pass as given when scenarios run one at a time, or when none is exclusive', async () => {
    expect(await planPasses([], 1)).toEqual([{ files: [], concurrency: 1 }]);
    const given = ['/x/steady-load.scenario.ts', '/x/mine.scenario.ts'];
    expect(await planPasses(given, 2)).toEqual([{ files: given, concurrency: 2 }]);
  });
});
