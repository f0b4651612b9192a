import { z } from 'zod';
import {
  callRecord,
  evidenceSchema,
  headerRecord,
  outcomeSchema,
  verdictRecord,
  verdictStatus,
} from '../journal/index.ts';
import { comparisonSchema } from './comparison.ts';

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

/**
 * A call a verdict's evidence names (by correlation id), as the journal recorded it, so that a
 * reviewer can open the call itself from the report: who made it, with what arguments, in which
 * phase, how it ended and how long it took. The result is left out (its digest stays in the
 * journal): what the check said of it is the evidence's message.
 */
export const evidenceCallSchema = callRecord
  .pick({
    correlationId: true,
    vu: true,
    identity: true,
    tool: true,
    args: true,
    phase: true,
    outcome: true,
    code: true,
    message: true,
    buildId: true,
  })
  .extend({
    /** Intended start, from the run's start (ms). */
    startOffsetMs: z.number(),
    /** end − intendedStart. */
    latencyMs: z.number(),
    /** actualStart − intendedStart: how late the driver sent it. */
    driverDelayMs: z.number(),
  });
export type EvidenceCall = z.infer<typeof evidenceCallSchema>;

/**
 * One time bucket of a scenario's calls, by the call's intended start: `at` is the bucket's start
 * as an offset from the run's start (ms). Latency percentiles are null when no call ended in it.
 */
export const timelineBucketSchema = z.object({
  at: z.number(),
  calls: z.number().int(),
  /** Calls by outcome class: `ok`, `error` (a well-formed tool error), `failed` (see CallStats.failed). */
  ok: z.number().int(),
  error: z.number().int(),
  failed: z.number().int(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  max: z.number().nullable(),
});
export type TimelineBucket = z.infer<typeof timelineBucketSchema>;

/** Latency and throughput over time; `bucketMs` is chosen so a run has at most MAX_BUCKETS buckets. */
export const timelineSchema = z.object({
  bucketMs: z.number(),
  buckets: z.array(timelineBucketSchema),
});
export type Timeline = z.infer<typeof timelineSchema>;

/**
 * One probe series on the run's time axis, downsampled to at most MAX_BUCKETS points: each point is
 * [offset from the run's start (ms), value], the value being the bucket's maximum (its minimum for
 * `ok` series, so one failed readiness sample shows). `key` is `probe:series` (`metrics:db_pool_total`,
 * `readyz:ok`, `driver:lagMaxMs`).
 */
export const probeSeriesSchema = z.object({
  key: z.string(),
  probe: z.string(),
  series: z.string(),
  points: z.array(z.tuple([z.number(), z.number()])),
});
export type ProbeSeries = z.infer<typeof probeSeriesSchema>;

/**
 * How long clients took to be served well again after a fault was healed: from the heal to the
 * intended start of the last failed call before the next fault (0 when none failed; null when the
 * last call of that stretch failed, or none was made). Exact to the call, not to the bucket.
 */
export const recoverySchema = z.object({
  fault: z.string(),
  link: z.string().optional(),
  healedOffsetMs: z.number(),
  recoveredAfterMs: z.number().nullable(),
});
export type Recovery = z.infer<typeof recoverySchema>;

/**
 * A time in which clients were exposed: failures (from the first failed call to the last, merged when
 * less than a bucket apart), or a deploy's new build (`data.exposureMs` of a deploy fault).
 */
export const exposureWindowSchema = z.object({
  kind: z.enum(['failures', 'deploy']),
  fromOffsetMs: z.number(),
  toOffsetMs: z.number(),
  calls: z.number().int(),
  detail: z.string().optional(),
});
export type ExposureWindow = z.infer<typeof exposureWindowSchema>;
export const exitCodeSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const reportMetaSchema = z.object({
  journal: z.string().optional(),
  profile: z.string().optional(),
  generatedAt: z.number().optional(),
});

/** Where the run ran, as the journal's header recorded it. */
export const hostSchema = headerRecord.shape.host.unwrap();
export type Host = z.infer<typeof hostSchema>;
export type ReportMeta = z.infer<typeof reportMetaSchema>;

export const scenarioReportSchema = z.object({
  runId: z.string(),
  scenario: z.string(),
  /** The target's name as the runner gave it (`reference`, `reference (defect: pool-leak)`). */
  target: z.string().optional(),
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
  /** The environment the scenario ran in (from the journal's header; absent in older journals). */
  host: hostSchema.optional(),
  profile: z.string().optional(),
  timeline: timelineSchema,
  probes: z.array(probeSeriesSchema),
  recovery: z.array(recoverySchema),
  exposure: z.array(exposureWindowSchema),
  verdicts: z.array(verdictSchema),
  /** The calls the evidence names, in journal order (absent when built from records read once). */
  evidenceCalls: z.array(evidenceCallSchema).optional(),
  status: verdictStatus,
  exitCode: exitCodeSchema,
  meta: reportMetaSchema,
});
export type ScenarioReport = z.infer<typeof scenarioReportSchema>;

/**
 * report.json's version: raised whenever a field is removed or changes meaning (adding an optional
 * field does not). Readers check it before trusting the rest.
 */
export const REPORT_SCHEMA_VERSION = 2;

/** The versions of everything that ran, merged over the scenarios (absent: no scenario said). */
export const runVersionsSchema = z.object({
  harness: z.string(),
  node: z.string(),
  target: z.string().optional(),
  toxiproxy: z.string().optional(),
  postgres: z.string().optional(),
});

/** A self-test's outcome per defect and for the good build (see harness/selftest). */
export const selfTestSectionSchema = z.object({
  runtime: z.string(),
  seed: z.number().int(),
  defects: z.array(
    z.object({
      defect: z.string(),
      scenario: z.string(),
      check: z.string(),
      caught: z.boolean(),
      status: z.union([verdictStatus, z.literal('missing')]),
      summary: z.string(),
      evidence: z.array(evidenceSchema),
      failedChecks: z.array(z.string()),
    }),
  ),
  goodBuild: z.array(
    z.object({
      scenario: z.string(),
      status: verdictStatus,
      notPassed: z.array(z.object({ check: z.string(), status: verdictStatus, summary: z.string() })),
    }),
  ),
  exitCode: exitCodeSchema,
});
export type SelfTestSection = z.infer<typeof selfTestSectionSchema>;

export const runReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  runId: z.string(),
  seed: z.number().int(),
  /** When these files were rendered (the one field a re-rendering changes). */
  generatedAt: z.number(),
  startedAt: z.number(),
  endedAt: z.number(),
  runtime: z.enum(['local', 'containers', 'mixed']),
  profile: z.string().optional(),
  host: hostSchema.optional(),
  versions: runVersionsSchema,
  scenarios: z.array(scenarioReportSchema),
  /** Present for a self-test run: which defects were caught, and how the good build fared. */
  selfTest: selfTestSectionSchema.optional(),
  /** Present when rendered with a baseline (`--baseline`): what got worse or better since that run. */
  comparison: comparisonSchema.optional(),
  status: verdictStatus,
  exitCode: exitCodeSchema,
});
export type RunReport = z.infer<typeof runReportSchema>;
