// Call statistics in constant memory: HDR histograms per phase, tool and outcome class, folded over
// journal records live or offline. A leaf beside the journal: it imports only harness/journal and
// hdr-histogram-js, so the checks (thresholds) and the report can both build on it.
export {
  type CallStatsOptions,
  type CallStatsSnapshot,
  type CallStatsState,
  callStatsFold,
  type Fold,
  footprint,
  OUTSIDE_PHASES,
  type PhaseStats,
  type SeriesLabels,
  type SeriesStats,
  seriesStats,
} from './call-stats.ts';
export {
  Distribution,
  type DistributionSummary,
  nearestRank,
  RESOLUTION_MS,
  SIGNIFICANT_DIGITS,
} from './distribution.ts';
export { foldAll, foldStream } from './fold.ts';
export { BUSINESS_CODES, isFailed, OUTCOME_CLASSES, OUTCOMES, type OutcomeClass } from './outcome.ts';
