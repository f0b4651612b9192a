import type { CallRecord, Outcome } from '../journal/index.ts';

/** The outcomes a call can have, in the order reports list them. */
export const OUTCOMES: readonly Outcome[] = ['ok', 'error', 'protocol-error', 'transport-error', 'timeout'];

/**
 * An outcome class: one of the call outcomes, or `failed` — the calls thresholds and reports count
 * as failures (see `isFailed`). A failed call is also in its own outcome's class.
 */
export type OutcomeClass = Outcome | 'failed';
export const OUTCOME_CLASSES: readonly OutcomeClass[] = [...OUTCOMES, 'failed'];

/**
 * Error codes that are answers, not failures: the target said "no such customer" or "not yours",
 * which is what a correct server says to such a question. The same list as the checks'
 * (a unit test keeps them equal; the stats are a leaf and cannot import the checks).
 */
export const BUSINESS_CODES = ['NOT_FOUND', 'FORBIDDEN', 'INVALID_ARGUMENT'] as const;

/**
 * A failed call: a transport error, a protocol error, a timeout, or an error result whose code is
 * not a business answer. `rate` thresholds on `call_failed` and the report's failure counts use this.
 */
export function isFailed(
  call: Pick<CallRecord, 'outcome' | 'code'>,
  businessCodes: readonly string[] = BUSINESS_CODES,
): boolean {
  if (call.outcome === 'ok') return false;
  return !(call.outcome === 'error' && call.code !== undefined && businessCodes.includes(call.code));
}
