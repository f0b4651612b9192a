/** The shipping upstream's address and its guards (config: SHIPPING_URL, UPSTREAM_*). */
export interface UpstreamSettings {
  /** Base URL, without a trailing slash: `GET <shippingUrl>/shipments/<orderId>`. */
  readonly shippingUrl: string;
  /** One attempt's budget (the request is aborted then). */
  readonly attemptTimeoutMs: number;
  /** Retries after a failed attempt (the GET is idempotent), with jittered exponential backoff. */
  readonly retries: number;
  /** The first retry's backoff; each next one doubles, capped so the total stays in budget. */
  readonly retryBaseMs: number;
  /** The whole upstream wait of one call, attempts and backoff included. */
  readonly totalTimeoutMs: number;
  /** Consecutive failed calls that open the breaker. */
  readonly breakerFailures: number;
  /** How long the breaker stays open before it lets one trial call through (half-open). */
  readonly breakerHalfOpenMs: number;
  /** Upstream calls in flight at most… */
  readonly bulkheadMax: number;
  /** …and waiting for a slot at most; beyond that a call is answered degraded at once. */
  readonly bulkheadQueue: number;
}
