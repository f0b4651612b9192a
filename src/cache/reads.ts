import type { OrderOwner, Repository } from '../db/repository.ts';
import type { Customer, Order } from '../domain.ts';
import { type CacheKeyParts, fullCacheKey } from './key.ts';
import type { ReadCache, ReadOutcome } from './read-cache.ts';

/** The server's read cache and what to count for each read (the /metrics counters). */
export interface CachedReadsDeps {
  readonly cache: ReadCache;
  readonly onRead?: (query: CachedQuery, outcome: ReadOutcome) => void;
}

export type CachedQuery = 'customer' | 'orders' | 'order';

/** How an answer was served: absent when every read was fresh, else the oldest stale read's age. */
export interface StaleMark {
  readonly ageMs: number;
}

/**
 * The reads of one tool call, through the cache when there is one. It remembers whether any of
 * them was served stale, so the answer can say so: an answer is only as fresh as its oldest part.
 * Authorization is not its business: callers still judge every record it returns.
 */
export class CallReads {
  readonly #repository: Repository;
  readonly #deps: CachedReadsDeps | undefined;
  readonly #cacheKey: (parts: CacheKeyParts) => string;
  #staleAgeMs: number | undefined;

  /** Without `deps`, every read goes to the repository. `cacheKey`: see the defects' hook. */
  constructor(
    repository: Repository,
    deps: CachedReadsDeps | undefined,
    cacheKey: (parts: CacheKeyParts) => string = fullCacheKey,
  ) {
    this.#repository = repository;
    this.#deps = deps;
    this.#cacheKey = cacheKey;
  }

  findCustomer(tenantId: string, customerId: string): Promise<Customer | undefined> {
    return this.#read('customer', { tenant: tenantId, customer: customerId, query: 'customer' }, () =>
      this.#repository.findCustomer(tenantId, customerId),
    );
  }

  /** One order by id, cached per tenant (the policy judges its owner whatever it came from). */
  findOrder(tenantId: string, orderId: string): Promise<OrderOwner | undefined> {
    return this.#read('order', { tenant: tenantId, customer: '', query: `order?id=${orderId}` }, () =>
      this.#repository.findOrder(tenantId, orderId),
    );
  }

  listOrders(tenantId: string, customerId: string, limit: number): Promise<Order[]> {
    return this.#read(
      'orders',
      { tenant: tenantId, customer: customerId, query: `orders?limit=${limit}` },
      () => this.#repository.listOrders(customerId, limit),
    );
  }

  /** The mark the answer must carry, or undefined when it is fresh. */
  get stale(): StaleMark | undefined {
    return this.#staleAgeMs === undefined ? undefined : { ageMs: this.#staleAgeMs };
  }

  async #read<T>(query: CachedQuery, parts: CacheKeyParts, load: () => Promise<T>): Promise<T> {
    const deps = this.#deps;
    if (!deps) return load();
    const served = await deps.cache.read(this.#cacheKey(parts), load, (outcome) =>
      deps.onRead?.(query, outcome),
    );
    if (served.staleAgeMs !== undefined) {
      this.#staleAgeMs = Math.max(this.#staleAgeMs ?? 0, served.staleAgeMs);
    }
    return served.value;
  }
}
