// The checks' public face. Checks import only harness/journal: nothing here runs anything, so a
// verdict can be re-derived from a journal file and every check is unit-tested on a hand-built one.

export { auditComplete } from './audit-complete.ts';
export { type AuthorizationOptions, type AuthorizationTable, authorization } from './authorization.ts';
export { boundedByInFlight } from './bounded-by-in-flight.ts';
export { type BoundedConnectionsOptions, boundedConnections } from './bounded-connections.ts';
export { type BoundedMemoryOptions, boundedMemory } from './bounded-memory.ts';
export { type Stream, streamOf } from './call-scope.ts';
export { correctAnswers } from './correct-answers.ts';
export { type DegradesAndRecoversOptions, degradesAndRecovers } from './degrades-and-recovers.ts';
export { type DeployedOptions, deployed } from './deployed.ts';
export { type DrainsInFlightOptions, drainsInFlight } from './drains-in-flight.ts';
export { type DriverHealthyOptions, driverHealthy } from './driver-healthy.ts';
export { EVIDENCE_CAP, EvidenceList, margin, tightest, verdict } from './evidence.ts';
export { type GaugeBoundedOptions, gaugeBounded } from './gauge-bounded.ts';
export { type GracefulErrorsOptions, gracefulErrors } from './graceful-errors.ts';
export { type HealthTruthfulOptions, healthTruthful, postgresOutage } from './health-truthful.ts';
export { isolation } from './isolation.ts';
export { type MetricsHonestOptions, metricsHonest } from './metrics-honest.ts';
export { type NoHangsOptions, noHangs } from './no-hangs.ts';
export { piiScan } from './pii-scan.ts';
export { BUSINESS_CODES, type RecoversWithinOptions, recoversWithin } from './recovers-within.ts';
export { restoredFromBackup } from './restored-from-backup.ts';
export { LiveChecks, runChecks } from './run.ts';
export { type ShedsExcessOptions, shedsExcess } from './sheds-excess.ts';
export { type SloObjectives, type SloOptions, slo, sloThresholds } from './slo.ts';
export { targetStayedUp } from './target-stayed-up.ts';
export {
  type ParsedThreshold,
  parseThreshold,
  parseThresholdDefinition,
  type ThresholdDefinition,
  type ThresholdExpression,
} from './threshold-expression.ts';
export { ThresholdWatch, type ThresholdWatchOptions } from './threshold-watch.ts';
export {
  describe as describeThreshold,
  isThresholdsCheck,
  type ThresholdResult,
  type ThresholdSpec,
  type ThresholdsCheck,
  type ThresholdsState,
  thresholdSpec,
  thresholds,
} from './thresholds.ts';
export type { Check, Evidence, Verdict, VerdictStatus } from './types.ts';
export { exitCode, overallStatus, statusExitCode } from './verdicts.ts';
export { writesExactlyOnce } from './writes-exactly-once.ts';
