import { z } from 'zod';
import type { Check } from '../checks/index.ts';
import { HarnessError } from '../errors.ts';
import type { FaultSpec } from '../faults/index.ts';
import { TOOLS } from '../load/index.ts';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

export interface Phase {
  name: string;
  durationMs: number;
  faults?: FaultSpec[];
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  workload: {
    /** Calls per second (constant arrival rate, an open model). */
    rate: number;
    /** Relative weights of the tools. */
    mix?: Partial<Record<(typeof TOOLS)[number], number>>;
    /** Which of the environment's identities make calls. */
    roles?: ('agent' | 'auditor' | 'customer')[];
    /** Calls in flight per identity at most (one MCP session each). */
    maxInFlightPerIdentity?: number;
    /** The client gives up on a call after this long (outcome 'timeout'). */
    callTimeoutMs?: number;
  };
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
  workload: z.object({
    rate: z.number().positive().max(2000),
    mix: z.partialRecord(z.enum(TOOLS), z.number().min(0)).optional(),
    roles: z
      .array(z.enum(['agent', 'auditor', 'customer']))
      .min(1)
      .optional(),
    maxInFlightPerIdentity: z.number().int().min(1).max(500).optional(),
    callTimeoutMs: z.number().int().min(100).max(300_000).optional(),
  }),
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
  if (!parsed.success) {
    const where = (definition as { name?: unknown })?.name ?? '(unnamed)';
    const issues = parsed.error.issues
      .map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('\n');
    throw new HarnessError('INVALID_SCENARIO', `scenario ${String(where)} is invalid:\n${issues}`);
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
