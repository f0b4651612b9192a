export { classifyResult, classifyThrown } from './classify.ts';
export { now } from './clock.ts';
export {
  type ConstantArrivalRate,
  runConstantArrivalRate,
  type WorkloadContext,
  type WorkloadSummary,
} from './executor.ts';
export { BUILD_KEY, CORRELATION_KEY, McpSession, type ToolResult } from './mcp-session.ts';
export { DEFAULT_MIX, TOOLS, type ToolMix, type ToolName } from './workload.ts';
