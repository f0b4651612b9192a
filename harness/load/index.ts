export { classifyResult, classifyThrown } from './classify.ts';
export { type Clock, now, realClock } from './clock.ts';
export {
  type Arrivals,
  type ConstantArrivalRate,
  type RampingArrivalRate,
  runArrivals,
  runConstantArrivalRate,
  runRampingArrivalRate,
  type WorkloadContext,
  type WorkloadSummary,
} from './executor.ts';
export { BUILD_KEY, CORRELATION_KEY, MalformedResponse, type ToolResult } from './mcp-contract.ts';
export { type ConnectOptions, type McpClientKind, McpSession } from './mcp-session.ts';
export {
  DEFAULT_RETRY_BACKOFF,
  DEFAULT_RETRY_ON,
  RETRY_OUTCOMES,
  type RetryOn,
  type RetryPolicy,
  type RetrySpec,
} from './retry.ts';
export {
  constantArrivals,
  parseDuration,
  peakRate,
  profileMs,
  type RateProfile,
  rampingArrivals,
  type Spike,
  type Stage,
  withSpikes,
} from './schedule.ts';
export { type ConstantVus, type RampingVus, runConstantVus, runRampingVus } from './vus.ts';
export { DEFAULT_MIX, TOOLS, type ToolMix, type ToolName } from './workload.ts';
export {
  noisyProfile,
  plannedSequenceDigest,
  type ResolvedWorkload,
  resolveWorkload,
} from './workload-plan.ts';
export { runWorkload, type WorkerTargets } from './workload-run.ts';
export {
  type ConstantArrivalRateWorkload,
  type ConstantVusWorkload,
  type Duration,
  EXECUTORS,
  type RampingArrivalRateWorkload,
  type RampingVusWorkload,
  type Role,
  type WorkloadSpec,
  workloadIssues,
} from './workload-spec.ts';
