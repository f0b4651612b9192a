import { z } from 'zod';
import { headerRecord, outcomeSchema, verdictRecord, verdictStatus } from '../journal/index.ts';

/** Exact nearest-rank percentiles of one set of durations, in ms; null when there were none. */
export const latencySummarySchema = z
  .object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() })
  .nullable();

export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const callStatsSchema = z.object({
  calls: z.number().int(),
  byOutcome: z.record(outcomeSchema, z.number().int()),
  /** end − intendedStart: what a user waiting for the answer experienced, driver delay included. */
  latencyMs: latencySummarySchema,
  /** end − actualStart: how long the target (and the network) took once the call was sent. */
  serviceMs: latencySummarySchema,
});
export type CallStats = z.infer<typeof callStatsSchema>;

export const phaseReportSchema = callStatsSchema.extend({
  name: z.string(),
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
});
export type PhaseReport = z.infer<typeof phaseReportSchema>;

/** One inject…heal episode of a fault; offsets are from the run's start. */
export const faultReportSchema = z.object({
  fault: z.string(),
  link: z.string().optional(),
  injectedAt: z.number().nullable(),
  healedAt: z.number().nullable(),
  injectedOffsetMs: z.number().nullable(),
  healedOffsetMs: z.number().nullable(),
  errors: z.array(z.string()),
});
export type FaultReport = z.infer<typeof faultReportSchema>;

export const lagSummarySchema = z
  .object({
    windows: z.number().int(),
    scheduled: z.number().int(),
    maxLagMs: z.number(),
    /** Weighted by the calls scheduled in each window. */
    meanLagMs: z.number(),
    dropped: z.number().int(),
  })
  .nullable();

export type LagSummary = z.infer<typeof lagSummarySchema>;

export const verdictSchema = verdictRecord.omit({ type: true });
export const exitCodeSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const reportMetaSchema = z.object({
  journal: z.string().optional(),
  profile: z.string().optional(),
  generatedAt: z.number().optional(),
});
export type ReportMeta = z.infer<typeof reportMetaSchema>;

export const scenarioReportSchema = z.object({
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
  total: callStatsSchema,
  phases: z.array(phaseReportSchema),
  faults: z.array(faultReportSchema),
  lag: lagSummarySchema,
  verdicts: z.array(verdictSchema),
  status: verdictStatus,
  exitCode: exitCodeSchema,
  meta: reportMetaSchema,
});
export type ScenarioReport = z.infer<typeof scenarioReportSchema>;

export const runReportSchema = z.object({
  runId: z.string(),
  seed: z.number().int(),
  startedAt: z.number(),
  endedAt: z.number(),
  scenarios: z.array(scenarioReportSchema),
  status: verdictStatus,
  exitCode: exitCodeSchema,
});
export type RunReport = z.infer<typeof runReportSchema>;
