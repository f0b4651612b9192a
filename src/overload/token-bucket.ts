/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. A caller may spend a short burst at
 * once, then is held to the steady rate. Time is passed in, so tests need no clock.
 */
export class TokenBucket {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #updatedMs: number;

  constructor(perSecond: number, burst: number, nowMs: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#updatedMs = nowMs;
  }

  /** Takes a token: 0 when one was there, else how many ms until one will be (nothing taken). */
  take(nowMs: number): number {
    // A clock that stepped back refills nothing rather than going negative.
    const elapsedMs = Math.max(0, nowMs - this.#updatedMs);
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsedMs * this.#perSecond) / 1000);
    this.#updatedMs = Math.max(this.#updatedMs, nowMs);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.#perSecond);
  }
}
