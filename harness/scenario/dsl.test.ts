import { describe, expect, it } from 'vitest';
import { HarnessError } from '../errors.ts';
import { Fault } from '../faults/index.ts';
import { baselinePhases, defineScenario, type ScenarioDefinition, scenarioChecks } from './define.ts';
import { Expect, Phase, Workload } from './dsl.ts';
import { applyProfile, parseProfile } from './profile.ts';

const written = defineScenario({
  name: 'database-restart-under-load',
  description: 'the DSL as a scenario author writes it',
  steadyState: { 'p(95)': '<150ms', errorRate: '<1%' },
  workload: Workload.arrivalRate(20, {
    mix: { lookup_customer: 5, list_orders: 3, create_ticket: 1 },
    spikes: [{ at: '2s', duration: '1s', multiplier: 2 }],
    maxInFlightPerIdentity: 10,
  }),
  timeline: [
    Phase.baseline('5s'),
    Phase.fault('10s', Fault.restart('postgres'), Fault.latency('target→postgres', { latencyMs: 100 })),
    Phase.recovery('5s'),
  ],
  expect: [Expect.noHangs('5s'), Expect.recoversWithin('5s'), Expect.correctAnswers(), Expect.isolation()],
});

function rejection(definition: ScenarioDefinition): string {
  try {
    defineScenario(definition);
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessError);
    return (error as Error).message;
  }
  throw new Error('expected the definition to be rejected');
}

describe('the scenario DSL', () => {
  it('builds plain phases, with several faults overlapping in one', () => {
    expect(written.timeline.map((p) => [p.name, p.kind, p.durationMs, p.faults?.length ?? 0])).toEqual([
      ['baseline', 'baseline', 5000, 0],
      ['fault', 'fault', 10_000, 2],
      ['recovery', 'recovery', 5000, 0],
    ]);
  });

  it('judges the steady state over the baseline phases as its own check', () => {
    const names = scenarioChecks(written).map((c) => c.name);
    expect(names).toEqual([
      'steadyState',
      'noHangs',
      'recoversWithin',
      'correctAnswers',
      'isolation',
      'targetStayedUp',
      'driverHealthy',
    ]);
    expect(baselinePhases(written)).toEqual(['baseline']);
    expect(
      baselinePhases({ ...written, timeline: [Phase.named('warm', '1s'), Phase.recovery('1s')] }),
    ).toEqual(['warm']);
  });

  it('names a bad steady state and duplicate phase names', () => {
    expect(rejection({ ...written, steadyState: { 'p(95)': 'quick' } })).toMatch(
      /steadyState: p\(95\): 'quick' is not an objective/,
    );
    expect(rejection({ ...written, timeline: [Phase.fault('1s'), Phase.fault('2s')] })).toMatch(
      /two phases are named fault: give each its own name/,
    );
  });

  it('scales phases and load with the profile, leaving quick as written', () => {
    expect(applyProfile(written, 'quick')).toBe(written);
    const nightly = applyProfile(written, 'nightly');
    expect(nightly.timeline.map((p) => p.durationMs)).toEqual([20_000, 40_000, 20_000]);
    expect(nightly.workload).toMatchObject({
      rate: 40,
      maxInFlightPerIdentity: 20,
      spikes: [{ at: 8000, duration: 4000, multiplier: 2 }],
    });
    // A fault's own timing is the scenario's, not the profile's.
    expect(nightly.timeline[1]?.faults).toBe(written.timeline[1]?.faults);
    const soak = applyProfile({ ...written, profiles: { soak: { time: 2 } } }, 'soak');
    expect(soak.timeline.map((p) => p.durationMs)).toEqual([10_000, 20_000, 10_000]);
    expect(() => defineScenario(nightly)).not.toThrow();
  });

  it('scales closed-model stages to whole users', () => {
    const vus = applyProfile(
      { ...written, workload: Workload.rampingVus([{ duration: '10s', target: 3 }]) },
      'nightly',
    );
    expect(vus.workload).toMatchObject({
      executor: 'ramping-vus',
      stages: [{ duration: 40_000, target: 6 }],
    });
  });

  it('rejects an unknown profile, naming the choices', () => {
    expect(() => parseProfile('weekly', '--profile ')).toThrow(
      /--profile weekly is not a profile: use quick, nightly, soak/,
    );
    expect(parseProfile(undefined, '--profile ')).toBe('quick');
  });
});
