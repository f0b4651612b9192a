export { ConcurrencyLimiter, KeyedConcurrencyLimiter } from './concurrency-limiter.ts';
export {
  busyMessage,
  createOverloadGuard,
  type GuardOptions,
  type OverloadGuard,
  type OverloadLimits,
  type ShedReason,
  UNGUARDED,
} from './guard.ts';
export { PrincipalRateLimiter, principalKey, type RateLimit } from './principal-limiter.ts';
export { TokenBucket } from './token-bucket.ts';
