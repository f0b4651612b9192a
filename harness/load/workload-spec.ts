import { z } from 'zod';
import { ROLES, type Role } from '../journal/records.ts';
import type { McpClientKind } from './mcp-session.ts';
import { RETRY_OUTCOMES, type RetrySpec } from './retry.ts';
import { parseDuration, type Stage } from './schedule.ts';
import { TOOLS, type ToolMix } from './workload.ts';

/** A k6 duration (`500ms`, `10s`, `2m`, `1h`) or milliseconds. */
export type Duration = string | number;
export type { Role };

interface CommonWorkload {
  /** Relative weights of the tools (default: lookup_customer 50, list_orders 35, create_ticket 15). */
  mix?: ToolMix;
  /** Which of the environment's identities make calls (default: agents). */
  roles?: Role[];
  /** The client gives up on a call after this long: outcome `timeout` (default 15s). */
  callTimeout?: Duration;
  /** `http`: the driver's lean client (default); `sdk`: the MCP SDK's Client, same wire behaviour. */
  client?: McpClientKind;
  /**
   * The clients retry failed calls, as agents do: the same arguments (idempotency key included)
   * under a new correlation id, journaled as a call of its own with `attempt` and `retryOf`.
   * E.g. `{ attempts: 2, tools: ['create_ticket'] }`. The planned call sequence (and its digest)
   * is unchanged: retries depend on outcomes, so two runs with the same seed retry the same calls
   * only where the target answered them the same way.
   */
  retry?: RetrySpec;
  /**
   * Session churn: every call opens a new MCP session (initialize) first and abandons the one
   * before without closing it, as crashed or careless clients do; a stateful target must evict
   * what they leave behind. `http` client only.
   */
  churnSessions?: boolean;
}

interface OpenModel {
  /**
   * Calls in flight per identity at most (one MCP session each, default 32): a call due while
   * all are busy is not made and is counted as dropped.
   */
  maxInFlightPerIdentity?: number;
  /** Windows in which the arrival rate is multiplied (a traffic spike), offsets from the start. */
  spikes?: { at: Duration; duration: Duration; multiplier: number }[];
  /**
   * One noisy user: an identity of this role (default agent) taken out of the main stream and
   * calling at its own rate on top of it, as one user flooding the target while the others
   * keep their pace; from `at` (default the start) for `duration` (default to the end).
   */
  noisy?: { rate: number; role?: Role; maxInFlight?: number; at?: Duration; duration?: Duration };
  /**
   * Threads that make the main stream's calls (default 1: the calling thread). More only helps
   * on a machine with cores to spare beside the target; each thread connects its own sessions.
   */
  workers?: number;
}

/** k6's constant-arrival-rate (the default): `rate` calls per second for the whole timeline. */
export interface ConstantArrivalRateWorkload extends CommonWorkload, OpenModel {
  executor?: 'constant-arrival-rate';
  rate: number;
}

/** k6's ramping-arrival-rate; the last stage's rate holds until the timeline ends. */
export interface RampingArrivalRateWorkload extends CommonWorkload, OpenModel {
  executor: 'ramping-arrival-rate';
  startRate?: number;
  stages: Stage[];
}

/** k6's constant-vus: a closed model, each VU calls, thinks, calls again. */
export interface ConstantVusWorkload extends CommonWorkload {
  executor: 'constant-vus';
  vus: number;
  thinkTime?: Duration;
}

/** k6's ramping-vus; the last stage's VU count holds until the timeline ends. */
export interface RampingVusWorkload extends CommonWorkload {
  executor: 'ramping-vus';
  startVus?: number;
  stages: Stage[];
  thinkTime?: Duration;
}

/** What load a scenario puts on the target; `executor` picks the model, as in k6. */
export type WorkloadSpec =
  | ConstantArrivalRateWorkload
  | RampingArrivalRateWorkload
  | ConstantVusWorkload
  | RampingVusWorkload;

export const EXECUTORS = [
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-vus',
  'ramping-vus',
] as const;
const MAX_RATE = 100_000;
const MAX_VUS = 5_000;

const duration = z.union([z.string(), z.number().nonnegative()]).refine(
  (v) => {
    try {
      parseDuration(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'write a duration as 500ms, 10s, 2m, 1h or a number of milliseconds' },
);
const stages = z
  .array(z.object({ duration, target: z.number().min(0) }).strict())
  .min(1, 'give at least one stage');
/** The target's stable codes and the harness's transport codes are upper case. */
const RETRY_CODE = /^[A-Z][A-Z0-9_]*$/;
const common = {
  mix: z
    .partialRecord(z.enum(TOOLS), z.number().min(0))
    .refine((m) => Object.values(m).some((w) => (w ?? 0) > 0), 'give at least one tool a weight above 0')
    .optional(),
  roles: z.array(z.enum(ROLES)).min(1).optional(),
  // Checks rely on calls ending at most 5 minutes after they start (recoversWithin's reordering window).
  callTimeout: duration
    .refine((v) => {
      try {
        const ms = parseDuration(v);
        return ms >= 100 && ms <= 300_000;
      } catch {
        return true; // reported by the duration check
      }
    }, 'give a call budget from 100ms to 5m')
    .optional(),
  client: z.enum(['http', 'sdk']).optional(),
  churnSessions: z.boolean().optional(),
  retry: z
    .object({
      attempts: z.number().int().min(1, 'give 1 to 5 extra attempts').max(5, 'give 1 to 5 extra attempts'),
      on: z
        .array(
          z.string().refine((v) => (RETRY_OUTCOMES as readonly string[]).includes(v) || RETRY_CODE.test(v), {
            error: (issue) =>
              `${JSON.stringify(issue.input)} is neither an outcome to retry (${RETRY_OUTCOMES.join(', ')}) nor an error code such as TIMEOUT`,
          }),
        )
        .min(1)
        .optional(),
      backoff: duration
        .refine((v) => {
          try {
            return parseDuration(v) <= 60_000;
          } catch {
            return true; // reported by the duration check
          }
        }, 'give a backoff of at most 1m')
        .optional(),
      tools: z.array(z.enum(TOOLS)).min(1).optional(),
    })
    .strict()
    .optional(),
};
const openModel = {
  maxInFlightPerIdentity: z.number().int().min(1).max(1000).optional(),
  spikes: z
    .array(z.object({ at: duration, duration, multiplier: z.number().positive().max(1000) }).strict())
    .optional(),
  noisy: z
    .object({
      rate: z.number().positive().max(MAX_RATE),
      role: z.enum(ROLES).optional(),
      maxInFlight: z.number().int().min(1).max(1000).optional(),
      at: duration.optional(),
      duration: duration.optional(),
    })
    .strict()
    .optional(),
  workers: z.number().int().min(1).max(64).optional(),
};
const schemas = {
  'constant-arrival-rate': z
    .object({
      executor: z.literal('constant-arrival-rate').optional(),
      rate: z.number().positive().max(MAX_RATE),
      ...common,
      ...openModel,
    })
    .strict(),
  'ramping-arrival-rate': z
    .object({
      executor: z.literal('ramping-arrival-rate'),
      startRate: z.number().min(0).max(MAX_RATE).optional(),
      stages: stages.refine(
        (s) => s.every((x) => x.target <= MAX_RATE),
        `rates above ${MAX_RATE}/s are not supported`,
      ),
      ...common,
      ...openModel,
    })
    .strict(),
  'constant-vus': z
    .object({
      executor: z.literal('constant-vus'),
      vus: z.number().int().min(1).max(MAX_VUS),
      thinkTime: duration.optional(),
      ...common,
    })
    .strict(),
  'ramping-vus': z
    .object({
      executor: z.literal('ramping-vus'),
      startVus: z.number().int().min(0).max(MAX_VUS).optional(),
      stages: stages.refine((s) => s.every((x) => Number.isInteger(x.target) && x.target <= MAX_VUS), {
        message: `VU targets are whole numbers up to ${MAX_VUS}`,
      }),
      thinkTime: duration.optional(),
      ...common,
    })
    .strict(),
} as const;

/**
 * Validates a workload against the executor it names, so that a field of another executor (say
 * `vus` with an arrival rate) is named as the mistake rather than silently ignored. Returns the
 * issues as `path: message` lines (empty when valid); `timelineMs` bounds the stages.
 */
export function workloadIssues(value: unknown, timelineMs: number): string[] {
  const executor = (value as { executor?: unknown } | undefined)?.executor ?? 'constant-arrival-rate';
  if (!(EXECUTORS as readonly unknown[]).includes(executor)) {
    return [`executor: '${String(executor)}' is not an executor: use ${EXECUTORS.join(', ')}`];
  }
  const parsed = schemas[executor as WorkloadSpec['executor'] & string].safeParse(value);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => {
      const hint = i.code === 'unrecognized_keys' ? ` (not a field of the ${String(executor)} executor)` : '';
      return `${i.path.join('.') || '(workload)'}: ${i.message}${hint}`;
    });
  }
  const spec = value as WorkloadSpec;
  const issues: string[] = [];
  if (spec.churnSessions && spec.client === 'sdk') {
    issues.push(`churnSessions: only the 'http' client churns sessions; drop client: 'sdk'`);
  }
  if ('stages' in spec) {
    const total = spec.stages.reduce((sum, s) => sum + parseDuration(s.duration), 0);
    if (total > timelineMs) {
      issues.push(
        `stages: they last ${total} ms but the timeline only ${timelineMs} ms; shorten them or lengthen the phases`,
      );
    }
  }
  if ('spikes' in spec && spec.spikes) {
    spec.spikes.forEach((s, i) => {
      if (parseDuration(s.at) + parseDuration(s.duration) > timelineMs) {
        issues.push(`spikes.${i}: it ends after the timeline (${timelineMs} ms)`);
      }
    });
  }
  if ('noisy' in spec && spec.noisy) {
    const at = parseDuration(spec.noisy.at ?? 0);
    const end = at + (spec.noisy.duration === undefined ? 0 : parseDuration(spec.noisy.duration));
    if (at >= timelineMs || end > timelineMs) {
      issues.push(`noisy: its window ends after the timeline (${timelineMs} ms)`);
    }
  }
  return issues;
}
