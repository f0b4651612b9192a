import type { Principal } from '../domain.ts';
import { ToolError } from '../errors.ts';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';
import { PrincipalRateLimiter, type RateLimit } from './principal-limiter.ts';

export interface OverloadLimits {
  /** Tool calls in flight at most; one more is refused at once with BUSY. */
  readonly maxConcurrentCalls: number;
  /** Each principal's own rate; a call beyond it is refused at once with RATE_LIMITED. */
  readonly rate: RateLimit;
  /** The retry-after a BUSY answer gives: about the time a slot takes to free up. */
  readonly busyRetryAfterMs: number;
}

export type ShedReason = 'concurrency' | 'rate_limit';

/** Admits a tool call or sheds it: nothing runs, nothing waits, no database work. */
export interface OverloadGuard {
  run<T>(principal: Pick<Principal, 'tenant' | 'subject'>, call: () => Promise<T>): Promise<T>;
}

export interface GuardOptions {
  /** Told of every shed (the metrics count them by reason). */
  onShed?: (reason: ShedReason) => void;
  /** ms clock for the rate buckets; monotonic by default. */
  now?: () => number;
}

// "busy, retry after N ms" leads every shed message so a client (or a person) reads the one
// thing to do first; the figure is also `retryAfterMs` in the structured error.
export const busyMessage = (retryAfterMs: number, why: string): string =>
  `busy, retry after ${retryAfterMs} ms (${why})`;

export function createOverloadGuard(limits: OverloadLimits, options: GuardOptions = {}): OverloadGuard {
  const now = options.now ?? (() => performance.now());
  const rate = new PrincipalRateLimiter(limits.rate);
  const concurrency = new ConcurrencyLimiter(limits.maxConcurrentCalls);
  const shed = (reason: ShedReason, error: ToolError): never => {
    options.onShed?.(reason);
    throw error;
  };
  return {
    async run(principal, call) {
      // The caller's own rate first: a flooding principal must not take a slot from the others.
      const waitMs = rate.take(principal, now());
      if (waitMs > 0) {
        shed(
          'rate_limit',
          new ToolError(
            'RATE_LIMITED',
            busyMessage(waitMs, `over the limit of ${limits.rate.perSecond} calls/s per caller`),
            { retryAfterMs: waitMs },
          ),
        );
      }
      const release = concurrency.tryAcquire();
      if (!release) {
        return shed(
          'concurrency',
          new ToolError(
            'BUSY',
            busyMessage(
              limits.busyRetryAfterMs,
              `the server is at its limit of ${limits.maxConcurrentCalls} calls in flight`,
            ),
            { retryAfterMs: limits.busyRetryAfterMs },
          ),
        );
      }
      try {
        return await call();
      } finally {
        release();
      }
    },
  };
}

/** No limits at all: what a server without overload protection does (DEFECT=shedding-off). */
export const UNGUARDED: OverloadGuard = { run: (_principal, call) => call() };
