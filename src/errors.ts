// Stable codes are part of the target contract: the harness classifies every answer by them,
// so a code never changes meaning and a message never carries SQL, stacks, hosts or foreign ids.
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'DEPENDENCY_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
  'TOOL_DISABLED',
  // Overload protection (src/overload): shed at once, before any work; retry after `retryAfterMs`.
  'BUSY',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code: ErrorCode;
  /** When the client may try again (BUSY, RATE_LIMITED): also in the structured error. */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export const notFound = (): ToolError => new ToolError('NOT_FOUND', 'customer not found');

/** An operator switched the tool off (runtime flags): on purpose, not a failure of the server. */
export const toolDisabled = (tool: string): ToolError =>
  new ToolError(
    'TOOL_DISABLED',
    `${tool} is disabled by the operator; do not retry it now: use another tool, or try again later`,
  );

// Messages tell the client what to do next: whether to retry, and what to quote if it persists.
export const MESSAGES = {
  unavailable: 'the database is unavailable; retry in a few seconds',
  timeout:
    'the database did not answer in time; retry in a few seconds (writes: with the same idempotency key)',
  internal: 'an internal error occurred; retry later, and quote the correlation id if it persists',
  unaudited:
    'the call could not be recorded in the audit log, so it is not acknowledged; retry later (writes: with the same idempotency key)',
} as const;

// Connection-level failures: the database could not be reached or dropped us. SQLSTATE class 08
// is "connection exception"; 57P01-03 are shutdown/crash/starting up; 53300 too many connections;
// 25P03 is the server closing an idle-in-transaction session. 3D000 (the database does not
// exist) is a database being re-created, as before a restore from backup. A missing table stays
// INTERNAL: that is this server's bug far more often than the database's state.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '25P03', '3D000']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: connectionTimeoutMillis
  'Connection terminated',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end',
  'connect ECONNREFUSED',
];

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Maps any failure to a contract code. Statement and query timeouts map to TIMEOUT (the database
 * was reachable but too slow: for a write the outcome is unknown and the client should retry with
 * the same idempotency key); everything that means "could not talk to the database" maps to
 * DEPENDENCY_UNAVAILABLE; anything unrecognised is INTERNAL.
 */
export function classifyError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === '57014' || message === 'Query read timeout') {
    return new ToolError('TIMEOUT', MESSAGES.timeout);
  }
  if (
    (code !== undefined &&
      (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) ||
    UNAVAILABLE_MESSAGES.some((fragment) => message.includes(fragment))
  ) {
    return new ToolError('DEPENDENCY_UNAVAILABLE', MESSAGES.unavailable);
  }
  return new ToolError('INTERNAL', MESSAGES.internal);
}
