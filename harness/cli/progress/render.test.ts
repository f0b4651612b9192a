import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../scenario/progress-events.ts';
import { clock, milestoneLine, statusLine, stepLine } from './render.ts';
import { applyEvent, type ScenarioProgress } from './state.ts';

function running(): ScenarioProgress {
  const state = new Map<string, ScenarioProgress>();
  const events: ProgressEvent[] = [
    {
      type: 'start',
      scenario: 'network-degradation',
      at: 0,
      phases: [
        { name: 'baseline', durationMs: 5000, faults: [] },
        { name: 'fault', durationMs: 20_000, faults: ['latency'] },
      ],
    },
    { type: 'ready', scenario: 'network-degradation', at: 1000, runtime: 'local', tookMs: 1000 },
    {
      type: 'phase',
      scenario: 'network-degradation',
      at: 10_000,
      name: 'fault',
      event: 'start',
      durationMs: 20_000,
    },
    {
      type: 'fault',
      scenario: 'network-degradation',
      at: 10_000,
      fault: 'latency',
      link: 'client→target',
      event: 'inject',
    },
    { type: 'calls', scenario: 'network-degradation', at: 11_000, from: 10_000, calls: 40, failed: 4 },
    { type: 'calls', scenario: 'network-degradation', at: 12_000, from: 11_000, calls: 40, failed: 0 },
  ];
  let s: ScenarioProgress | undefined;
  for (const e of events) s = applyEvent(state, e);
  return s as ScenarioProgress;
}

describe('statusLine', () => {
  it('shows the phase, its time left, the rates, the totals and the active faults', () => {
    const line = statusLine(running(), 12_000, 200, false);
    expect(line).toBe(
      'network-degradation  fault 2/2 18s left  40.0 calls/s  2.0 failed/s  80 calls, 4 failed  faults: latency on client→target',
    );
  });

  it('never wraps: cut to the width, with an ellipsis, colour or not', () => {
    for (const width of [20, 45, 60]) {
      const plain = statusLine(running(), 12_000, width, false);
      expect([...plain]).toHaveLength(width);
      expect(plain.endsWith('…')).toBe(true);
      const painted = statusLine(running(), 12_000, width, true);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour to measure
      expect(painted.replace(/\u001b\[\d+m/g, '')).toBe(plain);
    }
  });

  it('names the start-up step until the environment is up', () => {
    const state = new Map<string, ScenarioProgress>();
    applyEvent(state, { type: 'start', scenario: 's', at: 0, phases: [] });
    const s = applyEvent(state, {
      type: 'log',
      scenario: 's',
      at: 1,
      kind: 'step',
      message: 'Toxiproxy ready',
    });
    expect(statusLine(s, 2, 80, false)).toBe('s  starting: Toxiproxy ready');
  });
});

describe('milestoneLine', () => {
  const s = running();
  const line = (e: ProgressEvent) => milestoneLine(e, s, false);

  it('has a line for each milestone', () => {
    expect(
      line({
        type: 'start',
        scenario: 'x',
        at: 0,
        phases: [{ name: 'a', durationMs: 65_000, faults: ['kill'] }],
      }),
    ).toBe('x: started: a 1m05s: kill');
    expect(line({ type: 'ready', scenario: 'x', at: 0, runtime: 'containers', tookMs: 4210 })).toBe(
      'x: environment up (containers) in 4.2s',
    );
    expect(
      line({ type: 'phase', scenario: 'x', at: 0, name: 'fault', event: 'start', durationMs: 20_000 }),
    ).toBe('x: phase fault (20s) · 80 calls, 4 failed so far');
    expect(
      line({ type: 'fault', scenario: 'x', at: 0, fault: 'latency', link: 'a→b', event: 'inject' }),
    ).toBe('x: fault latency on a→b injected');
    expect(
      line({
        type: 'fault',
        scenario: 'x',
        at: 0,
        fault: 'kill',
        event: 'error',
        detail: 'heal failed: gone',
      }),
    ).toBe('x: fault kill failed: heal failed: gone');
    expect(line({ type: 'log', scenario: 'x', at: 0, kind: 'note', message: 'x: threshold crossed' })).toBe(
      'x: threshold crossed',
    );
    expect(line({ type: 'end', scenario: 'network-degradation', at: 30_500, status: 'pass' })).toBe(
      'network-degradation: ✓ pass in 30.5s · 80 calls, 4 failed',
    );
  });

  it('has none for counts, start-up steps and phase ends', () => {
    expect(line({ type: 'calls', scenario: 'x', at: 1, from: 0, calls: 1, failed: 0 })).toBeUndefined();
    expect(line({ type: 'log', scenario: 'x', at: 0, kind: 'step', message: 'links: …' })).toBeUndefined();
    expect(
      line({ type: 'phase', scenario: 'x', at: 0, name: 'a', event: 'end', durationMs: 1 }),
    ).toBeUndefined();
  });
});

describe('stepLine / clock', () => {
  it('prefixes a step with its scenario once', () => {
    expect(stepLine({ type: 'log', scenario: 's', at: 0, kind: 'step', message: 'links up' })).toBe(
      's: links up',
    );
    expect(stepLine({ type: 'log', scenario: 's', at: 0, kind: 'step', message: 's: links up' })).toBe(
      's: links up',
    );
  });

  it('reads like a clock, rounding up', () => {
    expect([clock(0), clock(1), clock(59_000), clock(60_000), clock(65_500), clock(3_720_000)]).toEqual([
      '0s',
      '1s',
      '59s',
      '1m00s',
      '1m06s',
      '1h02m',
    ]);
  });
});
