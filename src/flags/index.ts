export { type FlagState, ToolFlags } from './flags.ts';
export { registerFlagGauge } from './metrics.ts';
