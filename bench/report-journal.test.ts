import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFromJournal } from '../harness/report/index.ts';
import { DURATION_MS, FAULTS, writeJournal } from './report-journal.ts';

describe('the 10-minute journal of bench:report', () => {
  it('folds into a 10-minute scenario at 50 calls/s with six probes, four faults and failures', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-journal-'));
    try {
      const path = join(dir, 'journal.jsonl');
      await writeJournal(path);
      const report = await reportFromJournal(path);
      expect(report.durationMs).toBe(DURATION_MS);
      expect(report.total.calls).toBe(50 * (DURATION_MS / 1000));
      expect(report.total.failed).toBeGreaterThan(1000);
      // Toxiproxy's counts are sampled but not charted (see the fold's `charted`).
      expect(new Set(report.probes.map((p) => p.probe))).toEqual(
        new Set(['readyz', 'metrics', 'postgres', 'process', 'router', 'driver']),
      );
      expect(report.probes.map((p) => p.key)).toContain('metrics:db_pool_total');
      expect(report.faults.map((f) => [f.fault, f.injectedOffsetMs, f.healedOffsetMs])).toEqual(
        FAULTS.map((f) => [f.fault, f.from + 3, f.to === null ? null : f.to + 2]),
      );
      expect(report.timeline.buckets.length).toBeLessThanOrEqual(300);
      expect(report.status).toBe('fail');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
