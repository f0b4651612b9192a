import { z } from 'zod';
import { headerRecord, outcomeSchema, verdictRecord, verdictStatus } from '../journal/index.ts';

/**
 * One set of durations, in ms; null when there were none. count, min, max and mean are exact;
 * the percentiles are nearest-rank values read from an HDR histogram (see `statistics`): never
 * below the exact value by more than 0.5 µs, never above it by more than 0.1% + 0.5 µs.
 */
export const latencySummarySchema = z
  .object({
    count: z.number().int(),
    min: z.number(),
    mean: z.number(),
    p50: z.number(),
    p90: z.number(),
    p95: z.number(),
    p99: z.number(),
    max: z.number(),
  })
  .nullable();

export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const callStatsSchema = z.object({
  calls: z.number().int(),
  byOutcome: z.record(outcomeSchema, z.number().int()),
  /** Calls that failed: transport/protocol errors, timeouts, error results that are not business answers. */
  failed: z.number().int(),
  /** Calls per second over the window: the phase's for a phase, else from the first phase start to the last phase end. */
  ratePerSecond: z.number().nullable(),
  /** end − intendedStart: what a user waiting for the answer experienced, driver delay included. */
  latencyMs: latencySummarySchema,
  /** end − actualStart: how long the target (and the network) took once the call was sent. */
  serviceMs: latencySummarySchema,
});
export type CallStats = z.infer<typeof callStatsSchema>;

export const toolReportSchema = callStatsSchema.extend({ tool: z.string() });
export type ToolReport = z.infer<typeof toolReportSchema>;

/** Per outcome class: each outcome, and `failed` (which overlaps them). */
export const outcomeReportSchema = callStatsSchema.extend({
  outcome: z.enum([...outcomeSchema.options, 'failed']),
});
export type OutcomeReport = z.infer<typeof outcomeReportSchema>;

/** How the percentiles were computed, for a reviewer who wonders how exact they are. */
export const statisticsSchema = z.object({
  method: z.literal('hdr-histogram'),
  significantDigits: z.number().int(),
  resolutionMs: z.number(),
});
export type Statistics = z.infer<typeof statisticsSchema>;

/** One threshold re-evaluated from the journal; `ok` null when no call matched it. */
export const thresholdReportSchema = z.object({
  metric: z.string(),
  threshold: z.string(),
  aggregation: z.string(),
  unit: z.enum(['ms', 'ratio', 'count']),
  actual: z.number().nullable(),
  ok: z.boolean().nullable(),
  abortOnFail: z.boolean(),
  delayAbortEvalMs: z.number(),
});
export type ThresholdReport = z.infer<typeof thresholdReportSchema>;

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
  tools: z.array(toolReportSchema),
  outcomes: z.array(outcomeReportSchema),
  /** Every threshold with its standing, when the journal's header names them (config.thresholds). */
  thresholds: z.array(thresholdReportSchema),
  statistics: statisticsSchema,
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
