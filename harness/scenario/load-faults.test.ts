import { describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generate.ts';
import { HarnessError } from '../errors.ts';
import { Fault } from '../faults/index.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import { FakeClock } from '../load/fake-clock.ts';
import {
  type McpSession,
  resolveWorkload,
  runWorkload,
  type ToolResult,
  type WorkloadSpec,
} from '../load/index.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';
import type { Phase } from './define.ts';
import { applyLoadFaults, loadFaultIssues } from './load-faults.ts';
import { TimelinePlayer } from './timeline.ts';

const timeline = (faults: Phase['faults'] = [], more: Phase['faults'] = []): Phase[] => [
  { name: 'baseline', durationMs: 2000 },
  { name: 'surge', durationMs: 3000, faults },
  { name: 'recovery', durationMs: 1000, faults: more },
];

const spikesOf = (w: WorkloadSpec) => ('spikes' in w ? w.spikes : undefined);

function rejection(workload: WorkloadSpec, phases: Phase[]): string {
  try {
    applyLoadFaults(workload, phases);
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('INVALID_SCENARIO');
    return (error as Error).message;
  }
  throw new Error('expected the load faults to be rejected');
}

describe('applyLoadFaults', () => {
  it('turns a spike into a spikes entry at phase start + afterMs, for forMs or to the phase end', () => {
    const workload: WorkloadSpec = { rate: 10, mix: { lookup_customer: 1 } };
    expect(applyLoadFaults(workload, timeline([Fault.spike(4, { afterMs: 500, forMs: 1000 })]))).toEqual({
      ...workload,
      spikes: [{ at: 2500, duration: 1000, multiplier: 4 }],
    });
    expect(spikesOf(applyLoadFaults(workload, timeline([Fault.spike(3, { afterMs: 1000 })])))).toEqual([
      { at: 3000, duration: 2000, multiplier: 3 },
    ]);
    expect(spikesOf(applyLoadFaults(workload, timeline([], [Fault.spike(2)])))).toEqual([
      { at: 5000, duration: 1000, multiplier: 2 },
    ]);
  });

  it('keeps the workload’s own spikes and lets spikes overlap, multiplying together', () => {
    const workload: WorkloadSpec = { rate: 10, spikes: [{ at: '2s', duration: '1s', multiplier: 2 }] };
    const applied = applyLoadFaults(
      workload,
      timeline([
        Fault.spike(3, { afterMs: 500, forMs: 1500 }),
        Fault.spike(5, { afterMs: 1000, forMs: 500 }),
      ]),
    );
    expect('spikes' in applied && applied.spikes).toEqual([
      { at: '2s', duration: '1s', multiplier: 2 },
      { at: 2500, duration: 1500, multiplier: 3 },
      { at: 3000, duration: 500, multiplier: 5 },
    ]);
    // 2.5–3 s: x2·x3; 3–3.5 s: x3·x5; peak 10·15 calls/s.
    expect(resolveWorkload(applied, 6000).peakRate).toBe(150);
    expect(workload).toEqual({ rate: 10, spikes: [{ at: '2s', duration: '1s', multiplier: 2 }] }); // pure
  });

  it('turns a noisy user into the workload’s noisy user, flooding only in its window', () => {
    const applied = applyLoadFaults(
      { rate: 10 },
      timeline([
        Fault.noisyUser({ rate: 80, role: 'customer', maxInFlight: 4 }, { afterMs: 1000, forMs: 1500 }),
      ]),
    );
    expect('noisy' in applied && applied.noisy).toEqual({
      rate: 80,
      role: 'customer',
      maxInFlight: 4,
      at: 3000,
      duration: 1500,
    });
  });

  it('returns the workload itself when the timeline has no load fault', () => {
    const workload: WorkloadSpec = { executor: 'constant-vus', vus: 3 };
    expect(applyLoadFaults(workload, timeline([Fault.restart('postgres')]))).toBe(workload);
    expect(loadFaultIssues(workload, timeline([Fault.restart('postgres')]))).toEqual([]);
  });

  it('rejects a load fault with a closed-model executor, naming the fault', () => {
    const message = rejection(
      { executor: 'constant-vus', vus: 3 },
      timeline([Fault.restart('postgres'), Fault.spike(4)]),
    );
    expect(message).toContain(
      "timeline.1.faults.1: spike(x4) adds arrivals, which only an arrival-rate executor plans (this workload's is constant-vus)",
    );
    expect(
      rejection(
        { executor: 'ramping-vus', stages: [{ duration: '1s', target: 2 }] },
        timeline([], [Fault.noisyUser({ rate: 5 })]),
      ),
    ).toContain('timeline.2.faults.0: noisyUser(agent, 5/s) adds arrivals');
  });

  it('rejects a window that does not fit its phase', () => {
    expect(rejection({ rate: 1 }, timeline([Fault.spike(2, { afterMs: 3000 })]))).toContain(
      'timeline.1.faults.0: spike(x2) starts 3000 ms into phase surge, which lasts 3000 ms',
    );
    expect(rejection({ rate: 1 }, timeline([Fault.spike(2, { afterMs: 2000, forMs: 1500 })]))).toContain(
      'timeline.1.faults.0: spike(x2) ends 3500 ms into phase surge, which lasts 3000 ms: shorten forMs',
    );
  });

  it('rejects a second noisy user', () => {
    expect(
      rejection({ rate: 1 }, timeline([Fault.noisyUser({ rate: 5 })], [Fault.noisyUser({ rate: 9 })])),
    ).toContain(
      'timeline.2.faults.0: noisyUser(agent, 9/s): a scenario has one noisy user, and timeline.1.faults.0',
    );
    expect(rejection({ rate: 1, noisy: { rate: 3 } }, timeline([Fault.noisyUser({ rate: 5 })]))).toContain(
      'and workload.noisy already adds one',
    );
  });

  it('plans the spike and the noisy user into the call schedule', async () => {
    const clock = new FakeClock();
    const dataset = generateDataset(1, { tenants: 2, customersPerTenant: 3 });
    const session = (tenant: string) =>
      ({
        identity: { tenant, role: 'agent' },
        async call(): Promise<ToolResult> {
          await clock.sleep(5);
          return { structuredContent: {}, _meta: {} };
        },
      }) as unknown as McpSession;
    const [quiet, loud] = dataset.tenants.map((t) => t.id) as [string, string];
    const phases = timeline([
      Fault.spike(4, { afterMs: 1000, forMs: 1000 }),
      Fault.noisyUser({ rate: 20 }, { afterMs: 2000 }),
    ]);
    const spec = applyLoadFaults({ rate: 10, mix: { lookup_customer: 1 } }, phases);
    const records: JournalRecord[] = [];
    const t0 = clock.now();
    await runWorkload(
      resolveWorkload(spec, 6000),
      6000,
      {
        runId: 'r',
        seed: 1,
        dataset,
        sessions: [Array.from({ length: 8 }, () => session(quiet))],
        append: (r) => records.push(r),
        phase: () => undefined,
        clock,
      },
      Array.from({ length: 4 }, () => session(loud)),
    );
    const calls = records.filter((r): r is RecordOf<'call'> => r.type === 'call');
    const per = (tenant: string, from: number, to: number) =>
      calls.filter(
        (c) => c.identity.tenant === tenant && c.intendedStart - t0 >= from && c.intendedStart - t0 < to,
      ).length;
    expect([per(quiet, 2000, 3000), per(quiet, 3000, 4000), per(quiet, 4000, 5000)]).toEqual([10, 40, 10]);
    expect([per(loud, 0, 4000), per(loud, 4000, 5000), per(loud, 5000, 6000)]).toEqual([0, 20, 0]);
  });
});

describe('load faults on the timeline', () => {
  it('are journaled as inject and heal events at the edges of their window', async () => {
    const records: JournalRecord[] = [];
    const player = new TimelinePlayer({} as StartedEnvironment, (r) => records.push(r));
    await player.play([
      {
        name: 'surge',
        durationMs: 150,
        faults: [Fault.spike(4, { afterMs: 30, forMs: 60 }), Fault.noisyUser({ rate: 5 })],
      },
    ]);
    // Real timers (the player's): they may fire a little early, so the bounds allow a few ms.
    const events = records.filter(
      (r): r is RecordOf<'fault'> => r.type === 'fault' && (r.event === 'inject' || r.event === 'heal'),
    );
    const start = records.find((r): r is RecordOf<'phase'> => r.type === 'phase')?.at ?? 0;
    const spike = events.filter((e) => e.fault === 'spike(x4)');
    expect(spike.map((e) => e.event)).toEqual(['inject', 'heal']);
    expect(spike[0]?.detail).toMatch(/^arrival rate x4/);
    expect((spike[0]?.at ?? 0) - start).toBeGreaterThanOrEqual(25);
    expect((spike[1]?.at ?? 0) - (spike[0]?.at ?? 0)).toBeGreaterThanOrEqual(55);
    const noisy = events.filter((e) => e.fault === 'noisyUser(agent, 5/s)');
    expect(noisy.map((e) => e.event)).toEqual(['inject', 'heal']);
    expect((noisy[1]?.at ?? 0) - start).toBeGreaterThanOrEqual(145);
  });
});
