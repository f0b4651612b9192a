/**
 * mcp-chaos: the public API. Scenario authors import from here and never from a deep path.
 */
export {
  type AuthorizationTable,
  auditComplete,
  authorization,
  boundedByInFlight,
  boundedConnections,
  boundedMemory,
  type Check,
  correctAnswers,
  deployed,
  drainsInFlight,
  driverHealthy,
  type GaugeBoundedOptions,
  gaugeBounded,
  gracefulErrors,
  healthTruthful,
  isolation,
  metricsHonest,
  noHangs,
  piiScan,
  recoversWithin,
  restoredFromBackup,
  runChecks,
  type ShedsExcessOptions,
  type SloObjectives,
  shedsExcess,
  slo,
  type ThresholdDefinition,
  type ThresholdSpec,
  targetStayedUp,
  thresholds,
  type Verdict,
  writesExactlyOnce,
} from './checks/index.ts';
export { type ShippingStatus, shippingStatusOf } from './checks/shipping.ts';
export { type Dataset, generateDataset } from './dataset/generate.ts';
export {
  maskValue,
  type SensitiveKind,
  type SensitiveValue,
  sensitiveValues,
} from './dataset/sensitive.ts';
export { type DoctorReport, doctorReportSchema, runDoctor } from './doctor/index.ts';
export { HarnessError, type HarnessErrorCode } from './errors.ts';
export {
  type BandwidthOptions,
  type DeployBuild,
  type DeployGuardSpec,
  type DeployOptions,
  type DeployStrategy,
  Fault,
  type FaultContext,
  type FaultSpec,
  type KillOptions,
  type KillSignal,
  type LatencyOptions,
  type LimitDataOptions,
  type ResetPeerOptions,
  type SlicerOptions,
  type SlowCloseOptions,
  type TimeoutOptions,
  type Timing,
  type ToxicDirection,
  type UpstreamFailingOptions,
  type UpstreamSlowOptions,
} from './faults/index.ts';
export {
  type CallRecord,
  type JournalRecord,
  type RecordOf,
  readJournal,
  streamJournal,
  type TargetRecord,
} from './journal/index.ts';
export {
  type ConstantArrivalRateWorkload,
  type ConstantVusWorkload,
  type McpClientKind,
  McpSession,
  type RampingArrivalRateWorkload,
  type RampingVusWorkload,
  type WorkloadSpec,
} from './load/index.ts';
export {
  PROBE_NAMES,
  type ProbeName,
  type ProbeRecord,
  type ProbesOptions,
  type RunningProbes,
  seriesKey,
  startProbes,
} from './probes/index.ts';
/** Reports: derived from a journal alone; report.json's shape is `runReportSchema`. */
export {
  buildReport,
  buildRunReport,
  type Change,
  type Comparison,
  compareReports,
  comparisonSchema,
  DEFAULT_TOLERANCE,
  loadRunReport,
  parseRunReport,
  REPORT_SCHEMA_VERSION,
  type RunReport,
  type RunReportOptions,
  reportFromJournal,
  runReportSchema,
  type ScenarioComparison,
  type ScenarioReport,
  scenarioReportSchema,
  type Tolerance,
  toJUnit,
  toMarkdown,
  writeReport,
} from './report/index.ts';
export {
  type InstanceCounts,
  Router,
  type RouterEvent,
  type RouterInstance,
  type RouterOptions,
} from './router/index.ts';
export { LINKS, type LinkName, type RuntimeName, type TargetExitEvent } from './runtime/backend.ts';
export { Environment, type Identity, StartedEnvironment } from './runtime/environment.ts';
export type { TargetInstance } from './runtime/instances.ts';
export type { RuntimeChoice } from './runtime/select.ts';
export {
  applyProfile,
  defineScenario,
  Expect,
  Phase,
  PROFILE_NAMES,
  type ProfileName,
  type RunOptions,
  runScenario,
  type ScenarioDefinition,
  ScenarioFailed,
  ScenarioInconclusive,
  type ScenarioResult,
  scenario,
  Workload,
} from './scenario/index.ts';
export {
  type DefectResult,
  formatSelfTest,
  type GoodBuildResult,
  runSelfTests,
  type SelfTestCase,
  type SelfTestReport,
} from './selftest/index.ts';
export { type ReferenceOptions, referenceTarget, type TargetDefinition } from './target/definition.ts';
export type { ShippingMode, ShippingService } from './upstream/index.ts';
