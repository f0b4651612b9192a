import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../journal/index.ts';
import { boundedMemory } from './bounded-memory.ts';
import { runChecks } from './run.ts';
import { phases, probe, series } from './test-probes.ts';

const MB = 1024 * 1024;

/** Process samples every 500 ms over the three phases of `phases()`, RSS in MB by `f`. */
function run(f: (at: number) => number, name = 'process', key = 'rss_bytes'): JournalRecord[] {
  return [
    ...phases(),
    ...series(0, 30_000, 500, (at) => probe(name, at, { [key]: f(at) * MB, cpu_seconds_total: 1 })),
  ].sort((a, b) => a.at - b.at || (a.type === 'phase' ? -1 : 1));
}

/** 100 MB at baseline, `during` in the fault phase, `after` in recovery. */
const shape = (during: number, after: number) => (at: number) =>
  at < 10_000 ? 100 : at < 20_000 ? during : after;

describe('boundedMemory', () => {
  it('passes with the peak against the budget and the end against the baseline', () => {
    const [v] = runChecks([boundedMemory()], run(shape(300, 120)));
    expect(v).toMatchObject({ check: 'boundedMemory', status: 'pass', evidenceTotal: 0 });
    expect(v?.summary).toBe(
      "The target's memory stayed bounded (peak 300.0 MB at 00:00:10.000Z of 512 MB allowed, margin 212.0 MB; " +
        'ended at 120.0 MB (median of the last 5), baseline 100.0 MB, tolerance +64.0 MB, margin 44.0 MB).',
    );
  });

  it('fails over the budget, naming the samples', () => {
    const [v] = runChecks([boundedMemory({ maxRssMb: 256 })], run(shape(300, 120)));
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(/^The target's memory exceeded 256 MB in 20 samples \(peak 300\.0 MB\)/);
    expect(v?.evidence[0]?.message).toBe('00:00:10.000Z: RSS 300.0 MB > 256 MB');
    expect(v?.evidenceTotal).toBe(20);
  });

  it('fails when memory does not come back down (the tolerance is the larger of 64 MB and 50%)', () => {
    const [v] = runChecks([boundedMemory()], run(shape(300, 180)));
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain(
      'did not return to baseline: ended at 180.0 MB (median of the last 5), baseline 100.0 MB, tolerance +64.0 MB',
    );
    expect(v?.evidence[0]?.message).toBe('00:00:27.500Z: RSS 180.0 MB at the end');
    // A 200 MB baseline tolerates 100 MB more.
    const big = runChecks(
      [boundedMemory()],
      run((at) => (at < 10_000 ? 200 : 290)),
    )[0];
    expect(big?.summary).toContain('tolerance +100.0 MB, margin 10.0 MB');
  });

  it("falls back to the target's own process_resident_memory_bytes, and says so", () => {
    const [v] = runChecks(
      [boundedMemory()],
      run(shape(150, 100), 'metrics', 'process_resident_memory_bytes'),
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain(
      "read from the target's process_resident_memory_bytes: no process probe ran",
    );
  });

  it('with trend, fails a soak run that leaks and passes one that saws up and down', () => {
    const hour = 3_600_000;
    const soak = (f: (at: number) => number) =>
      [
        { type: 'phase', name: 'soak', event: 'start', at: 0 } as const,
        ...series(0, 3 * hour, 1000, (at) => probe('process', at, { rss_bytes: f(at) * MB })),
        { type: 'phase', name: 'soak', event: 'end', at: 3 * hour } as const,
      ] satisfies JournalRecord[];
    // 40 MB an hour: 220 MB after 3 hours, under the budget, but a leak.
    const leaking = soak((at) => 100 + (40 * at) / hour);
    const [v] = runChecks([boundedMemory({ trend: true, toleranceMb: 500 })], leaking);
    expect(v?.status).toBe('fail');
    expect(v?.summary).toMatch(
      /rose steadily \(\+40\.0 MB\/h over 3 h, limit \+32 MB\/h, fitted rise 120\.0 MB\)/,
    );
    expect(v?.evidence.at(-1)?.message).toBe('02:59:59.000Z: RSS 220.0 MB');
    // Garbage collection: up 60 MB and back every 5 minutes.
    const sawtooth = soak((at) => 100 + ((at % 300_000) / 300_000) * 60);
    const [ok] = runChecks([boundedMemory({ trend: true })], sawtooth);
    expect(ok?.status).toBe('pass');
    expect(ok?.summary).toMatch(/trend [+-]0\.\d MB\/h over 3 h, limit \+32 MB\/h\)\.$/);
  });

  it('is inconclusive without samples', () => {
    expect(runChecks([boundedMemory()], phases())[0]?.status).toBe('inconclusive');
  });
});
