import type { RecordOf } from '../journal/records.ts';
import { parseDuration } from './schedule.ts';
import type { ToolName } from './workload.ts';

/**
 * What a failed call's outcome is matched against: a client-side outcome (`timeout`,
 * `transport-error`, `protocol-error`, `error` for any tool error) or a code (the target's stable
 * error code such as `DEPENDENCY_UNAVAILABLE`, or a harness code such as `ECONNRESET`, `HTTP_503`).
 */
export type RetryOn = 'timeout' | 'transport-error' | 'protocol-error' | 'error' | (string & {});

export const RETRY_OUTCOMES = ['timeout', 'transport-error', 'protocol-error', 'error'] as const;

/**
 * By default a client retries what a well-behaved client would: its own timeout, a dropped
 * connection, and the reference server's transient codes (the database unreachable or too slow,
 * an internal error). `TIMEOUT` is the case that matters for writes: the server's query timeout
 * may fire after PostgreSQL committed, so the retry re-sends a write that already landed.
 */
export const DEFAULT_RETRY_ON: readonly RetryOn[] = [
  'timeout',
  'transport-error',
  'DEPENDENCY_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
];
export const DEFAULT_RETRY_BACKOFF = '200ms';

/** The workload's `retry` option as written in a scenario. */
export interface RetrySpec {
  /** Extra attempts after the first (1 to 5). */
  attempts: number;
  /** Which failures are retried (default DEFAULT_RETRY_ON); an entry matches the outcome or the code. */
  on?: RetryOn[];
  /** Wait after a failed attempt ends before the first retry, doubled for each further one (default 200ms). */
  backoff?: string | number;
  /** Only these tools' calls are retried (default all). */
  tools?: ToolName[];
}

/** The retry option resolved: plain data, so it crosses to load worker threads as it is. */
export interface RetryPolicy {
  attempts: number;
  on: readonly string[];
  backoffMs: number;
  tools?: readonly ToolName[];
}

export function resolveRetry(spec: RetrySpec | undefined): RetryPolicy | undefined {
  if (!spec) return undefined;
  return {
    attempts: spec.attempts,
    on: spec.on ?? DEFAULT_RETRY_ON,
    backoffMs: parseDuration(spec.backoff ?? DEFAULT_RETRY_BACKOFF),
    ...(spec.tools ? { tools: spec.tools } : {}),
  };
}

/** Whether the attempt that ended as `record` (attempt number `attempt`) is followed by another. */
export function retries(policy: RetryPolicy | undefined, record: RecordOf<'call'>, attempt: number): boolean {
  if (!policy || attempt > policy.attempts || record.outcome === 'ok') return false;
  if (policy.tools && !policy.tools.includes(record.tool as ToolName)) return false;
  return policy.on.includes(record.outcome) || (record.code !== undefined && policy.on.includes(record.code));
}

/**
 * The wait before attempt `attempt` (2 = the first retry). No jitter: the retry's time depends
 * only on when the failed attempt ended, so a run with the same outcomes retries identically.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return policy.backoffMs * 2 ** (attempt - 2);
}

/** A retry's correlation id: the first attempt's, suffixed, so that it reads as related. */
export function retryCorrelationId(first: string, attempt: number): string {
  return `${first}-a${attempt}`;
}
