import { digest } from '../journal/digest.ts';
import type { RecordOf } from '../journal/records.ts';
import { classifyResult, classifyThrown } from './classify.ts';
import type { Clock } from './clock.ts';
import type { WorkloadContext } from './executor.ts';
import {
  BUILD_KEY,
  type CallNotes,
  CORRELATION_KEY,
  type McpSession,
  type ToolResult,
} from './mcp-contract.ts';
import type { PlannedCall } from './workload.ts';

/**
 * Makes one planned call (or a retry of one) on a session and journals how it ended, whatever
 * the executor; returns the record so that the executor can decide on a retry.
 */
export async function makeCall(
  session: McpSession,
  plan: PlannedCall,
  ctx: WorkloadContext,
  clock: Clock,
  call: {
    correlationId: string;
    vu: number;
    intended: number;
    actual: number;
    timeoutMs: number;
    /** The digest already computed for the call sequence, so it is not computed twice. */
    argsDigest: string;
    /** Set on a retry: its attempt number (2 and up) and the first attempt's correlation id. */
    retry?: { attempt: number; retryOf: string };
  },
): Promise<RecordOf<'call'>> {
  const phase = ctx.phase();
  let result: ToolResult | undefined;
  let classified: ReturnType<typeof classifyResult>;
  const notes: CallNotes = {};
  try {
    result = await session.call(plan.tool, plan.args, call.correlationId, call.timeoutMs, notes);
    classified = classifyResult(result);
  } catch (error) {
    classified = classifyThrown(error);
  }
  const end = clock.now();
  const meta = result?._meta ?? {};
  const record: RecordOf<'call'> = {
    type: 'call',
    correlationId: call.correlationId,
    vu: call.vu,
    identity: session.identity,
    tool: plan.tool,
    args: plan.args,
    argsDigest: call.argsDigest,
    intendedStart: call.intended,
    actualStart: call.actual,
    end,
    outcome: classified.outcome,
    ...(phase ? { phase } : {}),
    ...(classified.code ? { code: classified.code } : {}),
    ...(classified.message ? { message: classified.message.slice(0, 300) } : {}),
    ...(typeof meta[BUILD_KEY] === 'string' ? { buildId: meta[BUILD_KEY] } : {}),
    ...(typeof meta[CORRELATION_KEY] === 'string' ? { echoedCorrelationId: meta[CORRELATION_KEY] } : {}),
    ...(result ? { resultDigest: digest(result), result: result.structuredContent } : {}),
    ...(call.retry ? { attempt: call.retry.attempt, retryOf: call.retry.retryOf } : {}),
    ...(notes.reinitialized ? { reinitialized: true as const } : {}),
  };
  ctx.append(record);
  return record;
}
