/** What a cached read is about: whose data (tenant, customer) and which statement with which arguments. */
export interface CacheKeyParts {
  readonly tenant: string;
  readonly customer: string;
  /** The read and its arguments, e.g. `customer` or `orders?limit=20`. */
  readonly query: string;
}

/**
 * The production key: tenant, customer and query, each one delimited, so two owners can never
 * share an entry (the reference story's incident was a cache key without its owner).
 */
export const fullCacheKey = ({ tenant, customer, query }: CacheKeyParts): string =>
  JSON.stringify([tenant, customer, query]);
