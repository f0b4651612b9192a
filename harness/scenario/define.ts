import { z } from 'zod';
import type { Check } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import type { FaultSpec } from '../faults/index.ts';
import { type WorkloadSpec, workloadIssues } from '../load/index.ts';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

export interface Phase {
  name: string;
  durationMs: number;
  faults?: FaultSpec[];
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  /**
   * The load, named the k6 way: `{ rate: 50 }` (constant-arrival-rate, the default),
   * `{ executor: 'ramping-arrival-rate', stages: [...] }`, `{ executor: 'constant-vus', vus: 20 }`,
   * `{ executor: 'ramping-vus', stages: [...] }`; open models may add `spikes` and a `noisy` user.
   */
  workload: WorkloadSpec;
  timeline: Phase[];
  /** The checks whose verdicts decide the scenario. */
  expect: Check[];
}

/** Validated at the boundary: a scenario file with a wrong shape gets an error naming the field. */
const definitionSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes (it names report files)'),
  description: z.string().min(1),
  workload: z.custom<WorkloadSpec>((v) => typeof v === 'object' && v !== null, 'must be an object'),
  timeline: z
    .array(
      z.object({
        name: z.string().min(1),
        durationMs: z
          .number()
          .int()
          .min(100)
          .max(24 * 3600_000),
        faults: z.array(z.object({ name: z.string(), inject: fn, heal: fn }).loose()).optional(),
      }),
    )
    .min(1),
  expect: z.array(z.object({ name: z.string(), update: fn, finish: fn }).loose()).min(1),
});

export function validateScenario(definition: ScenarioDefinition): ScenarioDefinition {
  const parsed = definitionSchema.safeParse(definition);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  // The workload's fields depend on its executor, and its stages on the timeline's length.
  const timeline = parsed.success ? timelineMs(definition) : Number.POSITIVE_INFINITY;
  issues.push(...workloadIssues(definition?.workload, timeline).map((i) => `workload.${i}`));
  if (issues.length > 0) {
    const where = (definition as { name?: unknown })?.name ?? '(unnamed)';
    throw new HarnessError(
      'INVALID_SCENARIO',
      `scenario ${String(where)} is invalid:\n${issues.map((i) => `  - ${i}`).join('\n')}`,
    );
  }
  return definition;
}

/** Validates a scenario and returns it typed; pure (registers nothing), so tests can import it. */
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return validateScenario(definition);
}

export function timelineMs(definition: ScenarioDefinition): number {
  return definition.timeline.reduce((sum, phase) => sum + phase.durationMs, 0);
}
