import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { AuditEntry } from '../audit/entry.ts';
import { mayUseTool } from '../auth/policy.ts';
import type { SchemaState } from '../db/schema.ts';
import type { Principal } from '../domain.ts';
import { classifyError, MESSAGES, ToolError, toolDisabled } from '../errors.ts';
import type { ToolFlags } from '../flags/index.ts';
import type { Metrics } from '../metrics.ts';
import type { OverloadGuard } from '../overload/index.ts';
import type { Tool, ToolContext } from '../tools/index.ts';

export const CORRELATION_KEY = 'mcp-chaos/correlation-id';
export const BUILD_KEY = 'mcp-chaos/build-id';

export interface DispatchDeps {
  readonly buildId: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly schema: SchemaState;
  /** Resolves once the entry is durable; the answer waits for it. */
  readonly audit: { record(entry: AuditEntry, options?: { databaseFailed?: boolean }): Promise<void> };
  readonly context: Omit<ToolContext, 'principal'>;
  /** Runtime switches of the tools (absent: every tool on). */
  readonly flags?: Pick<ToolFlags, 'isEnabled'>;
  /** Sheds calls beyond the rate and concurrency limits before the tool runs. */
  readonly overload: OverloadGuard;
}

export function correlationIdOf(meta: unknown): string | undefined {
  if (typeof meta !== 'object' || meta === null) return undefined;
  const value = (meta as Record<string, unknown>)[CORRELATION_KEY];
  return typeof value === 'string' ? value.slice(0, 200) : undefined;
}

function result(
  structured: Record<string, unknown>,
  meta: Record<string, string>,
  isError: boolean,
): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(structured) }],
    structuredContent: structured,
    ...(isError ? { isError: true } : {}),
    _meta: meta,
  };
}

function customerIdOf(rawArgs: unknown, field = 'customerId'): string | undefined {
  if (typeof rawArgs !== 'object' || rawArgs === null) return undefined;
  const id = (rawArgs as Record<string, unknown>)[field];
  return typeof id === 'string' ? id.slice(0, 200) : undefined;
}

// Client strings go into a jsonb parameter: PostgreSQL refuses NUL and lone surrogates, and one
// such string would fail its whole group commit and, spooled, every flush after it.
const storable = (text: string): string => text.replaceAll('\u0000', '').toWellFormed();

/**
 * The records a call touched, for the audit: the customer or order asked for (unless the arguments were
 * refused: then it may be free text, not an id) and anything it created.
 */
function recordIdsOf(rawArgs: unknown, answer: CallToolResult, code: string): string[] {
  const ids: string[] = [];
  const customerId = code === 'INVALID_ARGUMENT' ? undefined : customerIdOf(rawArgs);
  if (customerId !== undefined) ids.push(storable(customerId));
  const orderId = code === 'INVALID_ARGUMENT' ? undefined : customerIdOf(rawArgs, 'orderId');
  if (orderId !== undefined) ids.push(storable(orderId));
  const ticket = (answer.structuredContent as { ticket?: { id?: unknown } } | undefined)?.ticket;
  if (typeof ticket?.id === 'string') ids.push(ticket.id);
  return ids;
}

/**
 * Runs one tool call end to end: role check, validation, execution, error mapping, the
 * correlation echo, the audit entry (durable before the answer), one log line and the metrics. Every outcome is a tool result, so the
 * harness always gets a stable code and the build id back.
 */
export async function dispatchToolCall(
  deps: DispatchDeps,
  principal: Principal,
  tool: Tool,
  rawArgs: unknown,
  requestMeta: unknown,
): Promise<CallToolResult> {
  const started = performance.now();
  const correlationId = correlationIdOf(requestMeta);
  const meta: Record<string, string> = { [BUILD_KEY]: deps.buildId };
  if (correlationId !== undefined) meta[CORRELATION_KEY] = correlationId;
  let code = 'OK';
  let answer: CallToolResult;
  let internalReason: string | undefined;
  try {
    if (!deps.context.defects.toolAllowed(mayUseTool(principal, tool.name), principal.role, tool.name)) {
      throw new ToolError('FORBIDDEN', `role ${principal.role} may not call ${tool.name}`);
    }
    if (deps.flags && !deps.context.defects.toolEnabled(deps.flags.isEnabled(tool.name))) {
      throw toolDisabled(tool.name);
    }
    // Before the schema exists every query would fail with "relation does not exist" (INTERNAL);
    // the truth is that the database is not available yet.
    if (!deps.schema.ready) throw new ToolError('DEPENDENCY_UNAVAILABLE', MESSAGES.unavailable);
    // Admission here, not in the HTTP layer: a shed is then a tool result like any other error
    // (stable code, retry-after, correlation echo, build id, log line, metrics) and only tool
    // work — what reaches the database — counts against the limits.
    const output = await deps.overload.run(principal, () =>
      tool.invoke({ ...deps.context, principal }, rawArgs),
    );
    answer = result(output, meta, false);
  } catch (error) {
    const mapped = classifyError(error);
    code = mapped.code;
    if (!(error instanceof ToolError))
      internalReason = error instanceof Error ? error.message : String(error);
    const message = deps.context.defects.errorMessage(mapped.message, error);
    const retry = mapped.retryAfterMs === undefined ? {} : { retryAfterMs: mapped.retryAfterMs };
    answer = result({ error: { code: mapped.code, message, ...retry } }, meta, true);
  }
  deps.context.defects.logAnswer(deps.logger, tool.name, answer.structuredContent);
  try {
    const durable = deps.audit.record(
      {
        id: randomUUID(),
        at: new Date().toISOString(),
        tenantId: principal.tenant,
        subject: principal.subject,
        role: principal.role,
        tool: tool.name,
        recordIds: recordIdsOf(rawArgs, answer, code),
        outcome: code,
        correlationId: correlationId === undefined ? null : storable(correlationId),
      },
      { databaseFailed: code === 'DEPENDENCY_UNAVAILABLE' || code === 'TIMEOUT' },
    );
    // A shed did nothing, so its answer need not wait for the entry to be durable: a refusal
    // that waited on the database (the very thing overloaded) would not be fast. Its entry is
    // still written, with the next group commit.
    if (code === 'BUSY' || code === 'RATE_LIMITED') {
      durable.catch((error: unknown) =>
        deps.logger.warn({ correlationId, reason: String(error) }, 'audit of a shed call failed'),
      );
    } else {
      await durable;
    }
  } catch (error) {
    // An unaudited call is not acknowledged: the client hears it failed (and may retry).
    code = 'INTERNAL';
    internalReason = `audit failed: ${error instanceof Error ? error.message : String(error)}`;
    answer = result({ error: { code, message: MESSAGES.unaudited } }, meta, true);
  }
  const durationMs = performance.now() - started;
  deps.metrics.toolCalls.inc({ tool: tool.name, code });
  deps.metrics.toolDuration.observe({ tool: tool.name }, durationMs / 1000);
  // Ids only: argument values (subjects, bodies) may carry personal data.
  deps.logger.info(
    {
      correlationId,
      tenant: principal.tenant,
      role: principal.role,
      sub: principal.subject,
      tool: tool.name,
      customerId: customerIdOf(rawArgs),
      code,
      durationMs: Math.round(durationMs * 10) / 10,
      ...(internalReason === undefined ? {} : { reason: internalReason }),
    },
    'tool call',
  );
  return answer;
}
