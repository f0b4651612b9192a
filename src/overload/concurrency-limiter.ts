/**
 * A limit on calls in flight with no queue: a call over the limit is refused at once. A queue
 * in front of a saturated database only adds waiting (and memory) to every call behind it;
 * refusing fast lets the client back off while the calls admitted keep their latency.
 * (cockatiel's `bulkhead(limit, 0)` does the same; it is not a dependency of this project.)
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  #inFlight = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** A release function when a slot was free (call it exactly once), else undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.#inFlight >= this.limit) return undefined;
    this.#inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inFlight--;
    };
  }
}

/**
 * The same, per key (a caller): no key may hold more than `limit` calls in flight, so one caller
 * cannot fill the global limit and leave the others only refusals. Keys with nothing in flight
 * are dropped, so memory is bounded by the calls in flight.
 */
export class KeyedConcurrencyLimiter {
  readonly limit: number;
  readonly #inFlight = new Map<string, number>();

  constructor(limit: number) {
    this.limit = limit;
  }

  get keys(): number {
    return this.#inFlight.size;
  }

  tryAcquire(key: string): (() => void) | undefined {
    const held = this.#inFlight.get(key) ?? 0;
    if (held >= this.limit) return undefined;
    this.#inFlight.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#inFlight.get(key) ?? 1) - 1;
      if (now <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, now);
    };
  }
}
