import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { driverHealthy } from './driver-healthy.ts';
import { runChecks } from './run.ts';

function lag(fields: Partial<RecordOf<'lag'>> = {}): RecordOf<'lag'> {
  return { type: 'lag', from: 0, to: 1000, scheduled: 20, maxLagMs: 2, meanLagMs: 1, dropped: 0, ...fields };
}

describe('driverHealthy', () => {
  it('passes when the driver kept its schedule', () => {
    const [v] = runChecks([driverHealthy()], [lag(), lag({ from: 1000, to: 2000 })]);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe(
      'The load driver kept its schedule (40 calls scheduled, 0 dropped, worst lag 2 ms).',
    );
  });

  it('is inconclusive, never fail, when calls started late', () => {
    const [v] = runChecks([driverHealthy({ maxLagMs: 500 })], [lag(), lag({ from: 1000, maxLagMs: 1200 })]);
    expect(v?.status).toBe('inconclusive');
    expect(v?.evidenceTotal).toBe(1);
    expect(v?.evidence[0]?.message).toContain('1,200 ms late');
  });

  it('is inconclusive when too many calls were dropped', () => {
    const [v] = runChecks([driverHealthy()], [lag({ scheduled: 100, dropped: 2 })]);
    expect(v?.status).toBe('inconclusive');
    expect(v?.summary).toContain('2 dropped');
  });

  it('is inconclusive without lag records', () => {
    expect(runChecks([driverHealthy()], [])[0]?.status).toBe('inconclusive');
  });
});
