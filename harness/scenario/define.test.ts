import { describe, expect, it } from 'vitest';
import { noHangs } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import { Fault } from '../faults/index.ts';
import { defineScenario, type ScenarioDefinition, timelineMs } from './define.ts';

const valid: ScenarioDefinition = {
  name: 'db-restart',
  description: 'restart under load',
  workload: { rate: 10 },
  timeline: [
    { name: 'baseline', durationMs: 1000 },
    { name: 'fault', durationMs: 2000, faults: [Fault.restart('postgres')] },
  ],
  expect: [noHangs()],
};

function invalid(definition: unknown): HarnessError {
  try {
    defineScenario(definition as ScenarioDefinition);
  } catch (error) {
    return error as HarnessError;
  }
  throw new Error('expected the definition to be rejected');
}

describe('defineScenario', () => {
  it('accepts a valid definition and sums its timeline', () => {
    expect(defineScenario(valid)).toBe(valid);
    expect(timelineMs(valid)).toBe(3000);
  });

  it('names every wrong field and how to fix it', () => {
    const error = invalid({ ...valid, name: 'DB Restart', workload: { rate: -1 }, timeline: [] });
    expect(error).toBeInstanceOf(HarnessError);
    expect(error.code).toBe('INVALID_SCENARIO');
    expect(error.message).toContain('scenario DB Restart is invalid');
    expect(error.message).toContain('name: use lowercase letters, digits and dashes');
    expect(error.message).toContain('workload.rate');
    expect(error.message).toContain('timeline');
  });

  it('rejects a fault that is not a fault and a check that is not a check', () => {
    const error = invalid({
      ...valid,
      timeline: [{ name: 'x', durationMs: 1000, faults: ['restart postgres'] }],
      expect: [{ name: 'noHangs' }],
    });
    expect(error.message).toContain('timeline.0.faults.0');
    expect(error.message).toContain('expect.0.update');
  });
});
