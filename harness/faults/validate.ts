import { HarnessError } from '../errors.ts';
import type { Timing } from './timing.ts';

/** The error for a fault defined wrongly, naming the fault: `Fault.kill: …`. */
export function invalid(fault: string, message: string): HarnessError {
  return new HarnessError('INVALID_SCENARIO', `Fault.${fault}: ${message}`);
}

/** Options must be a plain object with only the keys the fault knows (a typo is not ignored). */
export function checkOptions(fault: string, options: unknown, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalid(fault, `options must be an object such as { ${allowed.join(', ')} }`);
  }
  const unknown = Object.keys(options).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw invalid(fault, `unknown option(s) ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
  }
}

/** afterMs ≥ 0 and forMs > 0, finite, when given; returns only the timing keys. */
export function checkTiming(fault: string, options: Timing): Timing {
  const { afterMs, forMs } = options;
  if (afterMs !== undefined && !(Number.isFinite(afterMs) && afterMs >= 0)) {
    throw invalid(fault, `afterMs must be a number of milliseconds ≥ 0, got ${String(afterMs)}`);
  }
  if (forMs !== undefined && !(Number.isFinite(forMs) && forMs > 0)) {
    throw invalid(fault, `forMs must be a number of milliseconds > 0, got ${String(forMs)}`);
  }
  return {
    ...(afterMs !== undefined ? { afterMs } : {}),
    ...(forMs !== undefined ? { forMs } : {}),
  };
}
