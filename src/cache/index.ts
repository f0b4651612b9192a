export { type CacheKeyParts, fullCacheKey } from './key.ts';
export { ReadCache, type ReadCacheOptions, type ReadOutcome, type Served } from './read-cache.ts';
export { type CachedQuery, type CachedReadsDeps, CallReads, type StaleMark } from './reads.ts';
