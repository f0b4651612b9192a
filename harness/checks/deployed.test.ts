import { describe, expect, it } from 'vitest';
import type { RecordOf } from '../journal/index.ts';
import { deployed } from './deployed.ts';
import { runChecks } from './run.ts';
import { call } from './test-journal.ts';

const T = Date.UTC(2026, 10, 25, 2, 0, 0);
const NAME = 'deploy(next, blue-green)';
const fault = (
  event: RecordOf<'fault'>['event'],
  at: number,
  data?: Record<string, number>,
  detail?: string,
): RecordOf<'fault'> => ({
  type: 'fault',
  fault: NAME,
  event,
  at,
  ...(data ? { data } : {}),
  ...(detail ? { detail } : {}),
});
const by = (buildId: string, at: number) => call({ at, buildId });

describe('deployed', () => {
  const rollout = [
    fault('injecting', T),
    fault('inject', T + 1000, { rolledBack: 0, shifted: 1, shiftedAt: T + 500 }),
  ];

  it('passes when every call after the rollout is answered by the new build', () => {
    const [v] = runChecks(
      [deployed({ build: 'next' })],
      [by('old', T - 100), ...rollout, by('next', T + 1100), by('next', T + 1200), fault('heal', T + 1000)],
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toBe('Build next answered all 2 calls after the deploy (before it: old).');
  });

  it('fails on an answer of the old build after the rollout, with that call as evidence', () => {
    const [v] = runChecks(
      [deployed({ build: 'next' })],
      [...rollout, by('next', T + 1100), by('old', T + 1200)],
    );
    expect(v?.status).toBe('fail');
    expect(v?.evidence[0]?.message).toMatch(/answered by build old$/);
  });

  it('fails when the deploy was rolled back, with the exposure window', () => {
    const [v] = runChecks(
      [deployed({ build: 'next' })],
      [
        fault('injecting', T),
        fault(
          'inject',
          T + 3000,
          { rolledBack: 1, shifted: 1, exposureCalls: 7, exposureMs: 1500 },
          'rolled back by the guard',
        ),
      ],
    );
    expect(v?.status).toBe('fail');
    expect(v?.summary).toContain('was rolled back (exposure window 7 calls in 1.5 s)');
  });

  it('guard mode: passes only on a rollback, the old build answering after it', () => {
    const back = [
      fault('injecting', T),
      fault('inject', T + 3000, { rolledBack: 1, shifted: 1, exposureCalls: 7, exposureMs: 1500 }),
    ];
    const [v] = runChecks([deployed({ build: 'next', rollback: 'guard' })], [...back, by('old', T + 3100)]);
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain(
      'The guard rolled build next back: exposure window 7 calls in 1.5 s; 1 call after it answered by the old build.',
    );
    const [stood] = runChecks([deployed({ build: 'next', rollback: 'guard' })], rollout);
    expect(stood?.status).toBe('fail');
    const [late] = runChecks(
      [deployed({ build: 'next', rollback: 'guard' })],
      [...back, by('next', T + 3100)],
    );
    expect(late?.status).toBe('fail');
  });

  it('heal mode: new build after the switch, old build after the rollback, either while it runs', () => {
    const records = [
      ...rollout,
      by('next', T + 1100),
      fault('healing', T + 2000),
      by('old', T + 2001), // in flight while the rollback ran: either may answer
      fault('heal', T + 2100),
      by('old', T + 2200),
    ];
    const [v] = runChecks([deployed({ build: 'next', rollback: 'heal' })], records);
    expect(v?.summary).toBe(
      'Build next answered all 1 calls after the switch and the old build all 1 after the rollback.',
    );
    expect(v?.status).toBe('pass');
    const [wrong] = runChecks(
      [deployed({ build: 'next', rollback: 'heal' })],
      [...records, by('next', T + 2300)],
    );
    expect(wrong?.status).toBe('fail');
  });

  it('bothServed: both builds must answer between the first shift and the rollout end', () => {
    const side = [fault('injecting', T), by('old', T + 600), by('next', T + 700)];
    const done = fault('inject', T + 1000, { rolledBack: 0, shifted: 1, shiftedAt: T + 500 });
    const [v] = runChecks(
      [deployed({ build: 'next', bothServed: true })],
      [...side, done, by('next', T + 1100)],
    );
    expect(v?.status).toBe('pass');
    expect(v?.summary).toContain('Side by side during the rollout: 1 call answered by build next, 1 by old.');
    const [alone] = runChecks(
      [deployed({ build: 'next', bothServed: true })],
      [fault('injecting', T), by('next', T + 700), done, by('next', T + 1100)],
    );
    expect(alone?.status).toBe('fail');
  });

  it('is inconclusive without a completed deploy of the build', () => {
    expect(runChecks([deployed({ build: 'next' })], [by('old', T)])[0]?.status).toBe('inconclusive');
  });
});
