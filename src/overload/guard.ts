import type { Principal } from '../domain.ts';
import { ToolError } from '../errors.ts';
import { ConcurrencyLimiter, KeyedConcurrencyLimiter } from './concurrency-limiter.ts';
import { PrincipalRateLimiter, principalKey, type RateLimit } from './principal-limiter.ts';

export interface OverloadLimits {
  /** Tool calls in flight at most; one more is refused at once with BUSY. */
  readonly maxConcurrentCalls: number;
  /** Of those, one principal's at most; one more of its calls is refused with RATE_LIMITED. */
  readonly maxConcurrentPerPrincipal: number;
  /** Each principal's own rate; a call beyond it is refused at once with RATE_LIMITED. */
  readonly rate: RateLimit;
  /** The retry-after a BUSY answer gives: about the time a slot takes to free up. */
  readonly busyRetryAfterMs: number;
}

export type ShedReason = 'concurrency' | 'rate_limit' | 'caller_concurrency';

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
  const perPrincipal = new KeyedConcurrencyLimiter(limits.maxConcurrentPerPrincipal);
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
      // A caller whose calls pile up (a flood on a slow database) is held to its share of the
      // slots, so the global limit below always has room for the others.
      const releaseOwn = perPrincipal.tryAcquire(principalKey(principal));
      if (!releaseOwn) {
        return shed(
          'caller_concurrency',
          new ToolError(
            'RATE_LIMITED',
            busyMessage(
              limits.busyRetryAfterMs,
              `this caller already has ${limits.maxConcurrentPerPrincipal} calls in flight`,
            ),
            { retryAfterMs: limits.busyRetryAfterMs },
          ),
        );
      }
      const release = concurrency.tryAcquire();
      if (!release) {
        releaseOwn();
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
        releaseOwn();
      }
    },
  };
}

/** No limits at all: what a server without overload protection does (DEFECT=shedding-off). */
export const UNGUARDED: OverloadGuard = { run: (_principal, call) => call() };
