import type { Principal } from '../domain.ts';
import { TokenBucket } from './token-bucket.ts';

// JSON keeps tenant "a:b" + subject "c" apart from tenant "a" + subject "b:c".
export const principalKey = (principal: Pick<Principal, 'tenant' | 'subject'>): string =>
  JSON.stringify([principal.tenant, principal.subject]);

export interface RateLimit {
  /** Calls a principal may make per second, sustained. */
  readonly perSecond: number;
  /** Calls a principal may make at once after a quiet spell. */
  readonly burst: number;
  /** Principals tracked at most: the least recently seen are forgotten beyond this. */
  readonly maxPrincipals: number;
}

/**
 * One token bucket per principal (tenant + subject). Memory is bounded: the buckets live in a
 * Map kept in least-recently-used order, and past `maxPrincipals` the stalest is dropped. A
 * forgotten principal starts again with a full bucket, which is what an idle one has anyway, so
 * eviction never sheds a call that the limit would have let through.
 */
export class PrincipalRateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(limit: RateLimit) {
    this.#limit = limit;
  }

  get tracked(): number {
    return this.#buckets.size;
  }

  /** 0 when the principal may call now, else how many ms until it may. */
  take(principal: Pick<Principal, 'tenant' | 'subject'>, nowMs: number): number {
    const key = principalKey(principal);
    let bucket = this.#buckets.get(key);
    if (bucket) {
      this.#buckets.delete(key);
    } else {
      bucket = new TokenBucket(this.#limit.perSecond, this.#limit.burst, nowMs);
    }
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#limit.maxPrincipals) {
      const stalest = this.#buckets.keys().next().value;
      if (stalest !== undefined) this.#buckets.delete(stalest);
    }
    return bucket.take(nowMs);
  }
}
