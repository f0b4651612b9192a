import { z } from 'zod';
import { verdictStatus } from '../journal/index.ts';

/**
 * How much worse a figure may get before it counts as a regression: both the ratio and the
 * absolute floor must be exceeded, so that neither a 3 → 5 ms p95 (+67%) nor a +30 ms wobble on
 * a 4 s p95 is flagged. Improvements use the same bounds the other way round.
 */
export const toleranceSchema = z.object({
  /** p95 per phase: regression when new > old × (1 + p95Ratio) and new − old ≥ p95MinMs. */
  p95Ratio: z.number().nonnegative(),
  p95MinMs: z.number().nonnegative(),
  /** Recovery time per heal: likewise, with recoveryRatio and recoveryMinMs. */
  recoveryRatio: z.number().nonnegative(),
  recoveryMinMs: z.number().nonnegative(),
});
export type Tolerance = z.infer<typeof toleranceSchema>;

export const DEFAULT_TOLERANCE: Tolerance = {
  p95Ratio: 0.25,
  // A quick phase's p95 rests on a few hundred calls: on a shared runner it moves by tens of ms.
  p95MinMs: 50,
  recoveryRatio: 0.25,
  recoveryMinMs: 500,
};

/**
 * One figure that changed beyond tolerance. `kind`: `verdict` (the scenario's own verdict, only
 * when no check's change explains it, so one worse check is flagged once), `check` (a check's
 * verdict), `recovery` (recovery time after a heal; null = never recovered), `p95` (latency p95 of
 * a phase, ms). `old`/`new` are statuses for verdicts, milliseconds (or null) for the rest.
 */
export const changeSchema = z.object({
  kind: z.enum(['verdict', 'check', 'recovery', 'p95']),
  phase: z.string().optional(),
  check: z.string().optional(),
  fault: z.string().optional(),
  link: z.string().optional(),
  old: z.union([z.number(), z.string(), z.null()]),
  new: z.union([z.number(), z.string(), z.null()]),
  message: z.string(),
});
export type Change = z.infer<typeof changeSchema>;

/**
 * One scenario against its namesake in the baseline (on the same target when both runs hold it
 * more than once, as a self-test does): `new` (not in the baseline) and `missing` (in the
 * baseline, not in this run) are listed but never regressions.
 */
export const scenarioComparisonSchema = z.object({
  scenario: z.string(),
  /** The target it ran against (this run's, else the baseline's), when the journal named it. */
  target: z.string().optional(),
  status: z.enum(['regressed', 'improved', 'unchanged', 'new', 'missing']),
  /** The scenario's verdict in the baseline and now (null on the side it is absent from). */
  baselineStatus: verdictStatus.nullable(),
  currentStatus: verdictStatus.nullable(),
  regressions: z.array(changeSchema),
  improvements: z.array(changeSchema),
});
export type ScenarioComparison = z.infer<typeof scenarioComparisonSchema>;

const runRefSchema = z.object({
  runId: z.string(),
  generatedAt: z.number(),
  /** Where the report was read from (a report.json or a run directory), when it was read from disk. */
  path: z.string().optional(),
});

/** A run compared with a baseline run: what `report diff` prints and report.json's `comparison`. */
export const comparisonSchema = z.object({
  baseline: runRefSchema,
  current: runRefSchema,
  tolerance: toleranceSchema,
  /** Totals over the scenarios; only regressions make `report diff` exit 1. */
  regressions: z.number().int(),
  improvements: z.number().int(),
  scenarios: z.array(scenarioComparisonSchema),
});
export type Comparison = z.infer<typeof comparisonSchema>;
