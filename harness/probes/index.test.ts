import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { startProbes } from './index.ts';

// Options are checked before the environment is touched: an empty stand-in is enough.
const env = {} as StartedEnvironment;

describe('startProbes options', () => {
  it('refuses an interval below 50 ms, a non-positive timeout and unknown probes, naming the fix', () => {
    expect(() => startProbes(env, () => {}, { intervalMs: 10 })).toThrow(/intervalMs must be a number ≥ 50/);
    expect(() => startProbes(env, () => {}, { intervalMs: Number.NaN })).toThrow(HarnessError);
    expect(() => startProbes(env, () => {}, { timeoutMs: 0 })).toThrow(/timeoutMs must be a positive number/);
    expect(() => startProbes(env, () => {}, { probes: ['readyz', 'rss' as never] })).toThrow(
      'probes: unknown probe(s) rss; the probes are readyz, metrics, postgres, process, toxiproxy',
    );
  });

  it('runs nothing, and stops at once, with an empty list', async () => {
    const records: unknown[] = [];
    await startProbes(env, (r) => records.push(r), { probes: [] }).stop();
    expect(records).toEqual([]);
  });
});
