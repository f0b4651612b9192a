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
