import { describe, expect, it } from 'vitest';
import { doctorReport, verdicts } from './run.ts';
import type { CheckResult } from './schema.ts';
import { doctorReportSchema } from './schema.ts';

const ok = (id: string): CheckResult => ({ id, status: 'ok', detail: '', fix: null, blocks: [] });

describe('verdicts', () => {
  it('a runtime is ready when nothing it needs is short of ok; warnings block nothing', () => {
    const checks: CheckResult[] = [
      ok('node'),
      { id: 'leftovers', status: 'warn', detail: '', fix: 'mcp-chaos env down --sweep', blocks: [] },
    ];
    expect(verdicts(checks)).toEqual([
      { runtime: 'local', ready: true, fixes: [] },
      { runtime: 'containers', ready: true, fixes: [] },
    ]);
  });

  it('lists each distinct fix once, in check order', () => {
    const checks: CheckResult[] = [
      ok('node'),
      {
        id: 'docker-engine',
        status: 'broken',
        detail: '',
        fix: 'bash scripts/ensure-docker.sh start',
        blocks: ['containers'],
      },
      {
        id: 'image:a',
        status: 'missing',
        detail: '',
        fix: 'bash docker/build-images.sh',
        blocks: ['containers'],
      },
      {
        id: 'image:b',
        status: 'missing',
        detail: '',
        fix: 'bash docker/build-images.sh',
        blocks: ['containers'],
      },
    ];
    const report = doctorReport(checks);
    expect(report.runtimes).toEqual([
      { runtime: 'local', ready: true, fixes: [] },
      {
        runtime: 'containers',
        ready: false,
        fixes: ['bash scripts/ensure-docker.sh start', 'bash docker/build-images.sh'],
      },
    ]);
    expect(report.exitCode).toBe(0);
    expect(doctorReportSchema.parse(report)).toEqual(report);
  });

  it('exits 1 when the local runtime cannot run', () => {
    const report = doctorReport([
      {
        id: 'toxiproxy',
        status: 'missing',
        detail: '',
        fix: 'bash scripts/setup.sh toxiproxy',
        blocks: ['local'],
      },
    ]);
    expect(report.runtimes[0]).toEqual({
      runtime: 'local',
      ready: false,
      fixes: ['bash scripts/setup.sh toxiproxy'],
    });
    expect(report.exitCode).toBe(1);
  });
});
