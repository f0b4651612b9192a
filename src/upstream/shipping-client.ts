import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { UpstreamSettings } from './settings.ts';

/** What the shipping service says about one order. */
export const ShipmentSchema = z.object({
  orderId: z.string().min(1).max(100),
  carrier: z.string().min(1).max(100),
  status: z.string().min(1).max(100),
  eta: z.string().min(1).max(40),
});
export type Shipment = z.infer<typeof ShipmentSchema>;

/** How one upstream call ended, for the metrics and the degraded answer. */
export type UpstreamOutcome = 'ok' | 'not_found' | 'failed' | 'timeout' | 'circuit_open' | 'bulkhead_full';

export type ShipmentLookup =
  | { readonly outcome: 'ok'; readonly shipment: Shipment }
  | {
      readonly outcome: Exclude<UpstreamOutcome, 'ok'>;
      /** Why there is no shipping status, in words a caller can act on. */
      readonly reason: string;
      /** When asking again may help. */
      readonly retryAfterMs: number;
    };

/** The upstream answered, but not with a status: a failure the breaker counts. */
export class UpstreamFailed extends Error {
  override readonly name = 'UpstreamFailed';
}

/** Runs one upstream request under whatever guards the build has. */
export type UpstreamRunner = <T>(attempt: (signal: AbortSignal) => Promise<T>) => Promise<T>;

export interface ShippingClientOptions {
  readonly settings: UpstreamSettings;
  /** Chooses the runner (defects: the guards off); production: the guarded one. */
  readonly chooseRunner?: (guarded: UpstreamRunner, bare: UpstreamRunner) => UpstreamRunner;
  readonly onOutcome?: (outcome: UpstreamOutcome) => void;
}

/** Where the breaker is, as a number for the gauge: 0 closed, 1 half-open, 2 open, 3 isolated. */
export type BreakerState = 0 | 1 | 2 | 3;

/**
 * The shipping-status client of get_order_status. Every request goes through cockatiel's
 * policies, outermost first:
 *
 * - bulkhead: at most `bulkheadMax` upstream calls in flight and `bulkheadQueue` waiting; any
 *   more are refused at once. A slow upstream then holds a few of the server's call slots, never
 *   all of them (the global concurrency limit would otherwise fill with calls waiting on it, and
 *   every other tool would be refused BUSY);
 * - total timeout: the whole wait, retries included, ends within `totalTimeoutMs`;
 * - retry: `retries` more attempts after a failed one, jittered exponential backoff (the GET is
 *   idempotent), never after the breaker or the bulkhead refused;
 * - circuit breaker: `breakerFailures` failed attempts in a row open it; while open every call is
 *   answered at once without asking; after `breakerHalfOpenMs` one trial call decides whether it
 *   closes again;
 * - attempt timeout: one request aborted after `attemptTimeoutMs`.
 */
export class ShippingClient {
  readonly #settings: UpstreamSettings;
  readonly #agent: Agent;
  readonly #breaker;
  readonly #run: UpstreamRunner;
  readonly #onOutcome: (outcome: UpstreamOutcome) => void;
  #openedAt = 0;

  constructor(options: ShippingClientOptions) {
    const s = options.settings;
    this.#settings = s;
    this.#onOutcome = options.onOutcome ?? (() => {});
    // Its own connection pool: upstream connections are never shared with anything else.
    this.#agent = new Agent({ connections: s.bulkheadMax + s.bulkheadQueue, keepAliveTimeout: 10_000 });
    this.#breaker = circuitBreaker(
      handleWhen((error) => !(error instanceof BulkheadRejectedError)),
      { halfOpenAfter: s.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(s.breakerFailures) },
    );
    this.#breaker.onBreak(() => {
      this.#openedAt = Date.now();
    });
    const guarded: IPolicy = wrap(
      bulkhead(s.bulkheadMax, s.bulkheadQueue),
      timeout(s.totalTimeoutMs, TimeoutStrategy.Aggressive),
      retry(
        handleWhen(
          (error) => !(error instanceof BrokenCircuitError) && !(error instanceof BulkheadRejectedError),
        ),
        {
          maxAttempts: s.retries,
          // Decorrelated jitter (cockatiel's default generator): retries of many callers spread out.
          backoff: new ExponentialBackoff({ initialDelay: s.retryBaseMs, maxDelay: 4 * s.retryBaseMs }),
        },
      ),
      this.#breaker,
      timeout(s.attemptTimeoutMs, TimeoutStrategy.Aggressive),
    );
    const guardedRunner: UpstreamRunner = (attempt) => guarded.execute(({ signal }) => attempt(signal));
    // No guard at all: the request waits as long as the upstream takes.
    const bare: UpstreamRunner = (attempt) => attempt(new AbortController().signal);
    this.#run = (options.chooseRunner ?? ((g) => g))(guardedRunner, bare);
  }

  /** The breaker's state for the gauge. */
  get breakerState(): BreakerState {
    switch (this.#breaker.state) {
      case CircuitState.Closed:
        return 0;
      case CircuitState.HalfOpen:
        return 1;
      case CircuitState.Open:
        return 2;
      default:
        return 3;
    }
  }

  /** The order's shipping status, or why there is none now. Never throws. */
  async lookup(orderId: string): Promise<ShipmentLookup> {
    const result = await this.#lookup(orderId);
    this.#onOutcome(result.outcome);
    return result;
  }

  async #lookup(orderId: string): Promise<ShipmentLookup> {
    const s = this.#settings;
    try {
      const shipment = await this.#run((signal) => this.#fetch(orderId, signal));
      if (shipment === undefined) {
        return {
          outcome: 'not_found',
          reason: 'the shipping service knows no shipment for this order yet',
          retryAfterMs: 60_000,
        };
      }
      return { outcome: 'ok', shipment };
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const left = Math.max(0, this.#openedAt + s.breakerHalfOpenMs - Date.now());
        return {
          outcome: 'circuit_open',
          reason: 'the shipping service is failing; it is not being asked for a while (circuit open)',
          retryAfterMs: Math.max(100, left),
        };
      }
      if (error instanceof BulkheadRejectedError) {
        return {
          outcome: 'bulkhead_full',
          reason: 'too many shipping lookups are in flight; try again shortly',
          retryAfterMs: 500,
        };
      }
      if (error instanceof TaskCancelledError) {
        return {
          outcome: 'timeout',
          reason: `the shipping service did not answer within ${s.totalTimeoutMs} ms`,
          retryAfterMs: 1000,
        };
      }
      return {
        outcome: 'failed',
        reason: 'the shipping service is unavailable',
        retryAfterMs: 1000,
      };
    }
  }

  /** One GET; undefined on 404; UpstreamFailed on any other non-200 or a body that is not a status. */
  async #fetch(orderId: string, signal: AbortSignal): Promise<Shipment | undefined> {
    const url = `${this.#settings.shippingUrl}/shipments/${encodeURIComponent(orderId)}`;
    const response = await request(url, { method: 'GET', signal, dispatcher: this.#agent });
    if (response.statusCode === 404) {
      await response.body.dump();
      return undefined;
    }
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new UpstreamFailed(`shipping service answered HTTP ${response.statusCode}`);
    }
    const parsed = ShipmentSchema.safeParse(await response.body.json());
    if (!parsed.success || parsed.data.orderId !== orderId) {
      throw new UpstreamFailed('shipping service answered something that is not this order’s status');
    }
    return parsed.data;
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}
