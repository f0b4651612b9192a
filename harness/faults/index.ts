export { Fault } from './catalog.ts';
export type { DeployBuild, DeployGuardSpec, DeployOptions, DeployStrategy } from './deploy-faults.ts';
export type { Fault as FaultSpec, FaultContext } from './fault.ts';
export type {
  BandwidthOptions,
  LatencyOptions,
  LimitDataOptions,
  ResetPeerOptions,
  SlicerOptions,
  SlowCloseOptions,
  TimeoutOptions,
  ToxicDirection,
  ToxicOptions,
} from './link-faults.ts';
export { isLoadFault, type LoadEffect, type LoadFault, type NoisyUserOptions } from './load-faults.ts';
export type { KillOptions, KillSignal } from './target-faults.ts';
export type { Timing } from './timing.ts';
export type { UpstreamFailingOptions, UpstreamSlowOptions } from './upstream-faults.ts';
