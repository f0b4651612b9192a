import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../scenario/progress-events.ts';
import { applyEvent, phaseLeftMs, rates, type ScenarioProgress } from './state.ts';

const start: ProgressEvent = {
  type: 'start',
  scenario: 's',
  at: 0,
  phases: [{ name: 'fault', durationMs: 10_000, faults: ['latency'] }],
};

describe('applyEvent', () => {
  it('follows a scenario through start-up, a phase, a fault and its heal, counts and its end', () => {
    const state = new Map<string, ScenarioProgress>();
    applyEvent(state, start);
    applyEvent(state, { type: 'log', scenario: 's', at: 1, kind: 'step', message: 'Toxiproxy ready' });
    expect(state.get('s')?.step).toBe('Toxiproxy ready');
    applyEvent(state, { type: 'ready', scenario: 's', at: 2, runtime: 'local', tookMs: 2 });
    expect(state.get('s')).toMatchObject({ ready: true, step: undefined });
    applyEvent(state, {
      type: 'phase',
      scenario: 's',
      at: 3,
      name: 'fault',
      event: 'start',
      durationMs: 10_000,
    });
    applyEvent(state, {
      type: 'fault',
      scenario: 's',
      at: 4,
      fault: 'latency',
      link: 'a→b',
      event: 'inject',
    });
    applyEvent(state, { type: 'fault', scenario: 's', at: 4, fault: 'kill', event: 'inject' });
    expect(state.get('s')?.faults).toEqual(['latency on a→b', 'kill']);
    applyEvent(state, { type: 'fault', scenario: 's', at: 5, fault: 'latency', link: 'a→b', event: 'heal' });
    expect(state.get('s')?.faults).toEqual(['kill']);
    applyEvent(state, { type: 'calls', scenario: 's', at: 1000, from: 0, calls: 10, failed: 2 });
    applyEvent(state, { type: 'calls', scenario: 's', at: 2000, from: 1000, calls: 5, failed: 0 });
    expect(state.get('s')).toMatchObject({ calls: 15, failed: 2 });
    applyEvent(state, { type: 'end', scenario: 's', at: 3000, status: 'fail' });
    expect(state.get('s')).toMatchObject({ status: 'fail', phase: undefined, faults: [] });
  });

  it('keeps only the samples of the rate window', () => {
    const state = new Map<string, ScenarioProgress>();
    for (let t = 1; t <= 10; t++) {
      applyEvent(state, {
        type: 'calls',
        scenario: 's',
        at: t * 1000,
        from: (t - 1) * 1000,
        calls: 1,
        failed: 0,
      });
    }
    expect(state.get('s')?.samples.map((x) => x.at)).toEqual([6000, 7000, 8000, 9000, 10_000]);
    expect(state.get('s')?.calls).toBe(10);
  });
});

describe('rates', () => {
  const steady = (n: number, perTick: number) =>
    Array.from({ length: n }, (_, i) => ({ from: i * 1000, at: (i + 1) * 1000, calls: perTick, failed: 1 }));

  it('is the count over the time the recent samples cover, steady between samples', () => {
    const samples = steady(10, 20);
    expect(rates(samples, 10_000)).toEqual({ calls: 20, failed: 1 });
    // Half a second later, before the next sample: the same rate, not a sag.
    expect(rates(samples, 10_500)).toEqual({ calls: 20, failed: 1 });
  });

  it('falls when calls slow down, and decays to 0 once samples stop coming', () => {
    const samples = [...steady(5, 20), { from: 5000, at: 6000, calls: 0, failed: 0 }];
    expect(rates(samples, 6000)?.calls).toBeLessThan(20);
    const stalled = steady(5, 20);
    const later = rates(stalled, 8000)?.calls ?? Number.NaN;
    expect(later).toBeLessThan(20);
    expect(later).toBeGreaterThan(0);
    expect(rates(stalled, 20_000)).toEqual({ calls: 0, failed: 0 });
  });

  it('has nothing to say before the first sample', () => {
    expect(rates([], 1000)).toBeUndefined();
  });
});

describe('phaseLeftMs', () => {
  it('counts down to 0 and stays there while a phase overruns', () => {
    const phase = { name: 'p', startedAt: 1000, durationMs: 5000 };
    expect(phaseLeftMs(phase, 2500)).toBe(3500);
    expect(phaseLeftMs(phase, 9000)).toBe(0);
    expect(phaseLeftMs(undefined, 9000)).toBeUndefined();
  });
});
