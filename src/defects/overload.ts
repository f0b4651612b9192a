import { type OverloadGuard, UNGUARDED } from '../overload/index.ts';

/**
 * shedding-off: no concurrency limit and no per-principal rate limits, the reference story's
 * first outage. Every call is admitted; under a spike on a slow database they queue for pool
 * connections, every caller waits, and the calls behind time out instead of being refused fast.
 */
export const withoutShedding = (_create: () => OverloadGuard): OverloadGuard => UNGUARDED;
