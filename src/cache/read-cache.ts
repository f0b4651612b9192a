import { LRUCache } from 'lru-cache';
import { classifyError } from '../errors.ts';

export interface ReadCacheOptions {
  /** An entry younger than this is answered from the cache without asking the database. */
  readonly ttlMs: number;
  /** An entry up to this old may still be answered, marked stale, when the database cannot answer. */
  readonly staleMs: number;
  /** At most this many entries; the least recently used go first. */
  readonly maxEntries: number;
}

/** How one read was answered: `error` is a failed load with nothing stale to fall back on. */
export type ReadOutcome = 'hit' | 'miss' | 'stale' | 'error';

export interface Served<T> {
  readonly value: T;
  /** Set only when the value is an older copy served because the database could not answer. */
  readonly staleAgeMs?: number;
}

interface Entry {
  readonly value: unknown;
  readonly storedAt: number;
}

// A database that is down or too slow: worth answering from an older copy. Any other failure
// (a bad statement, a bug) must surface, never be papered over with old data.
const FALLBACK_CODES = new Set(['DEPENDENCY_UNAVAILABLE', 'TIMEOUT']);

/**
 * A bounded read-through cache with a stale fallback. Fresh entries (younger than `ttlMs`) spare
 * the database; older ones are kept until `staleMs` for one purpose only: answering, marked with
 * their age, while the database is unavailable or timing out.
 */
export class ReadCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #options: ReadCacheOptions;
  readonly #now: () => number;

  constructor(options: ReadCacheOptions, now: () => number = () => performance.now()) {
    this.#options = options;
    this.#now = now;
    // lru-cache's own TTL only bounds memory (entries past the stale window go); ages are judged
    // here, on our clock, so tests can move it.
    this.#entries = new LRUCache<string, Entry>({
      max: options.maxEntries,
      ...(options.staleMs > 0 ? { ttl: options.staleMs } : {}),
    });
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value under `key`: from a fresh entry, else from `load` (and stored), else — when `load`
   * failed because the database is unavailable or timed out — from an entry within the stale
   * window, with its age. `onRead` is told which of these happened. An undefined value (a record
   * that does not exist) is not stored: "not found" served from memory during an outage would
   * hide the outage.
   */
  async read<T>(
    key: string,
    load: () => Promise<T>,
    onRead?: (outcome: ReadOutcome) => void,
  ): Promise<Served<T>> {
    const entry = this.#entries.get(key);
    const ageAt = (now: number) => (entry ? now - entry.storedAt : Number.POSITIVE_INFINITY);
    if (entry && ageAt(this.#now()) < this.#options.ttlMs) {
      onRead?.('hit');
      return { value: entry.value as T };
    }
    let value: T;
    try {
      value = await load();
    } catch (error) {
      const age = ageAt(this.#now());
      if (entry && age <= this.#options.staleMs && FALLBACK_CODES.has(classifyError(error).code)) {
        onRead?.('stale');
        return { value: entry.value as T, staleAgeMs: Math.round(age) };
      }
      onRead?.('error');
      throw error;
    }
    if (value !== undefined) this.#entries.set(key, { value, storedAt: this.#now() });
    onRead?.('miss');
    return { value };
  }
}
