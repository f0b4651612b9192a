import { z } from 'zod';
import { headerRecord, outcomeSchema, verdictRecord, verdictStatus } from '../journal/index.ts';

/** Exact nearest-rank percentiles of one set of durations, in ms; null when there were none. */
export const latencySummary = z
  .object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() })
  .nullable();

export const callStats = z.object({
  calls: z.number().int(),
  byOutcome: z.record(outcomeSchema, z.number().int()),
  /** end − intendedStart: what a user waiting for the answer experienced, driver delay included. */
  latencyMs: latencySummary,
  /** end − actualStart: how long the target (and the network) took once the call was sent. */
  serviceMs: latencySummary,
});
export type CallStats = z.infer<typeof callStats>;

export const phaseReport = callStats.extend({
  name: z.string(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});
export type PhaseReport = z.infer<typeof phaseReport>;

/** One inject…heal episode of a fault; offsets are from the run's start. */
export const faultReport = z.object({
  fault: z.string(),
  link: z.string().optional(),
  injectedAt: z.number().nullable(),
  healedAt: z.number().nullable(),
  injectedOffsetMs: z.number().nullable(),
  healedOffsetMs: z.number().nullable(),
  errors: z.array(z.string()),
});
export type FaultReport = z.infer<typeof faultReport>;

export const lagSummary = z
  .object({
    windows: z.number().int(),
    scheduled: z.number().int(),
    maxLagMs: z.number(),
    /** Weighted by the calls scheduled in each window. */
    meanLagMs: z.number(),
    dropped: z.number().int(),
  })
  .nullable();

export const verdictSchema = verdictRecord.omit({ type: true });
export const exitCodeSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const reportMeta = z.object({
  journal: z.string().optional(),
  profile: z.string().optional(),
  generatedAt: z.number().optional(),
});
export type ReportMeta = z.infer<typeof reportMeta>;

export const scenarioReport = z.object({
  runId: z.string(),
  scenario: z.string(),
  seed: z.number().int(),
  runtime: headerRecord.shape.runtime,
  versions: headerRecord.shape.versions,
  startedAt: z.number(),
  endedAt: z.number(),
  durationMs: z.number(),
  /** False when the journal has no end record: the run was cut short. */
  complete: z.boolean(),
  /** Digest of each VU's sequence of (tool, arguments): equal seeds should give equal digests. */
  callSequenceDigest: z.string(),
  total: callStats,
  phases: z.array(phaseReport),
  faults: z.array(faultReport),
  lag: lagSummary,
  verdicts: z.array(verdictSchema),
  status: verdictStatus,
  exitCode: exitCodeSchema,
  meta: reportMeta,
});
export type ScenarioReport = z.infer<typeof scenarioReport>;

export const runReport = z.object({
  runId: z.string(),
  seed: z.number().int(),
  startedAt: z.number(),
  endedAt: z.number(),
  scenarios: z.array(scenarioReport),
  status: verdictStatus,
  exitCode: exitCodeSchema,
});
export type RunReport = z.infer<typeof runReport>;
