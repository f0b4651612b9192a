import { z } from 'zod';
import {
  type Check,
  driverHealthy,
  type ThresholdSpec,
  targetStayedUp,
  thresholds,
} from '../checks/index.ts';
import { type SloObjectives, slo, sloThresholds } from '../checks/slo.ts';
import { HarnessError } from '../errors.ts';
import type { FaultSpec } from '../faults/index.ts';
import { type Duration, parseDuration, type WorkloadSpec, workloadIssues } from '../load/index.ts';
import { PROBE_NAMES, type ProbeName } from '../probes/index.ts';
import { loadFaultIssues } from './load-faults.ts';
import type { ProfileName, ProfileScale } from './profile.ts';

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

export interface Phase {
  /** Unique in its timeline; calls are tagged with it (`call_failed{phase:fault}`). */
  name: string;
  /** `baseline` phases are where the steady state is judged (default: a phase named baseline, else the first). */
  kind?: 'baseline' | 'fault' | 'recovery' | undefined;
  durationMs: number;
  /** Injected at the phase's start (or `afterMs` into it), healed at its end (or after `forMs`); they may overlap. */
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
  /**
   * The steady-state hypothesis: what normal looks like, judged over the baseline phase(s) as
   * the check `steadyState`, e.g. `{ 'p(95)': '<150ms', errorRate: '<1%' }`. A target that
   * misses it fails the scenario: the faults' effects cannot be told from a target already unwell.
   */
  steadyState?: SloObjectives;
  timeline: Phase[];
  /** The checks whose verdicts decide the scenario. */
  expect: Check[];
  /**
   * k6 thresholds on the calls, added to `expect` as a `thresholds` check, e.g.
   * `{ call_duration: ['p(95)<500', { threshold: 'p(99)<2000', abortOnFail: true }],
   *    'call_failed{phase:baseline}': ['rate<0.01'] }`. An abort-on-fail threshold crossed
   * mid-run stops the load and heals the faults at once; the scenario fails on it.
   */
  thresholds?: ThresholdSpec;
  /** Sampling of the target and its dependencies while the load runs. */
  probes?: {
    /** How often every probe samples (default 500ms). */
    interval?: Duration;
    /** Which probes (default all): readyz, metrics, postgres, process, toxiproxy. */
    include?: ProbeName[];
  };
  /**
   * Settings the scenario needs the target started with, merged over the target definition's
   * (a self-test's defect stays): e.g. `{ MCP_SESSION_MODE: 'stateful' }` for the reference
   * server. Names and values are the target's own configuration (its environment).
   */
  targetEnv?: Record<string, string>;
  /**
   * Several instances of the target behind the harness's router (see Environment.withInstances):
   * `{ count: 3 }`; `router: true` with one instance (a deploy needs the router); `affinity`
   * routes each MCP session to the instance that created it (stateful targets).
   */
  instances?: { count: number; router?: boolean; affinity?: boolean };
  /**
   * Runs alone even when scenarios run at once (`mcp-chaos run --concurrency N`): its load or
   * what it measures (an overload's latency, a flood beside other users) needs the machine's
   * cores to itself. Exclusive scenarios run first, one at a time, then the others.
   */
  exclusive?: boolean;
  /** Overrides of a profile's scale for this scenario, e.g. `{ soak: { load: 0.5 } }`. */
  profiles?: Partial<Record<ProfileName, Partial<ProfileScale>>>;
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
        kind: z.enum(['baseline', 'fault', 'recovery']).optional(),
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
  steadyState: z.record(z.string(), z.string()).optional(),
  targetEnv: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string())
    .optional(),
  instances: z
    .object({
      count: z.number().int().min(1).max(16),
      router: z.boolean().optional(),
      affinity: z.boolean().optional(),
    })
    .strict()
    .optional(),
  exclusive: z.boolean().optional(),
  thresholds: z.record(z.string(), z.array(z.unknown())).optional(),
  profiles: z
    .partialRecord(
      z.enum(['quick', 'nightly', 'soak']),
      z
        .object({ time: z.number().positive().max(10_000), load: z.number().positive().max(100) })
        .partial()
        .strict(),
    )
    .optional(),
  probes: z
    .object({
      interval: z
        .union([z.string(), z.number()])
        .refine((v) => {
          try {
            return parseDuration(v) >= 50;
          } catch {
            return false;
          }
        }, 'write the interval as a duration of at least 50ms, such as 500ms or 2s')
        .optional(),
      include: z.array(z.enum(PROBE_NAMES)).min(1).optional(),
    })
    .strict()
    .optional(),
});

export function validateScenario(definition: ScenarioDefinition): ScenarioDefinition {
  const parsed = definitionSchema.safeParse(definition);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  // The workload's fields depend on its executor, and its stages on the timeline's length.
  const timeline = parsed.success ? timelineMs(definition) : Number.POSITIVE_INFINITY;
  issues.push(...workloadIssues(definition?.workload, timeline).map((i) => `workload.${i}`));
  if (parsed.success && issues.length === 0)
    issues.push(...loadFaultIssues(definition.workload, definition.timeline));
  if (parsed.success) {
    const seen = new Set<string>();
    for (const phase of definition.timeline) {
      if (seen.has(phase.name)) {
        issues.push(
          `timeline: two phases are named ${phase.name}: give each its own name (Phase.named('slow-3s', '10s', …))`,
        );
      }
      seen.add(phase.name);
    }
  }
  if (definition?.steadyState !== undefined && issues.length === 0) {
    try {
      sloThresholds(definition.steadyState);
    } catch (error) {
      issues.push(`steadyState: ${(error as Error).message.replace(/^slo /, '')}`);
    }
  }
  if (definition?.thresholds !== undefined && issues.length === 0) {
    try {
      thresholds(definition.thresholds); // parses every metric and expression
    } catch (error) {
      issues.push(`thresholds: ${(error as Error).message}`);
    }
  }
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

/** The phases the steady state is judged over: `kind: 'baseline'`, else one named baseline, else the first. */
export function baselinePhases(definition: ScenarioDefinition): string[] {
  const byKind = definition.timeline.filter((p) => p.kind === 'baseline').map((p) => p.name);
  if (byKind.length > 0) return byKind;
  const named = definition.timeline.find((p) => p.name === 'baseline');
  return [named?.name ?? definition.timeline[0]?.name ?? 'baseline'];
}

/**
 * The checks a scenario is judged by: its steady state, its `expect`, its `thresholds` as a
 * check, targetStayedUp and driverHealthy.
 */
export function scenarioChecks(definition: ScenarioDefinition): Check[] {
  const checks: Check[] = [];
  if (definition.steadyState) {
    checks.push(
      slo(definition.steadyState, { phases: baselinePhases(definition), name: 'steadyState' }) as Check,
    );
  }
  checks.push(...definition.expect);
  if (definition.thresholds) checks.push(thresholds(definition.thresholds));
  // A crash is a finding whatever else held; the harness judges its own load too: a driver
  // that fell behind makes the run inconclusive.
  if (!checks.some((c) => c.name === 'targetStayedUp')) checks.push(targetStayedUp());
  if (!checks.some((c) => c.name === 'driverHealthy')) checks.push(driverHealthy());
  return checks;
}
