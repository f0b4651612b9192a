import type { Clock } from './clock.ts';

/**
 * A virtual clock for tests: time moves only when every task is waiting on it, and then jumps
 * straight to the earliest wake-up. Sleepers wake in time order, ties in the order they slept.
 */
export class FakeClock implements Clock {
  #now: number;
  #timers: { at: number; seq: number; wake: () => void }[] = [];
  #seq = 0;
  #ticking = false;

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, wake: resolve };
      this.#timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
        resolve();
      });
      this.#schedule();
    });
  }

  /** setImmediate runs once pending promise callbacks have drained: everyone is waiting. */
  #schedule(): void {
    if (this.#ticking) return;
    this.#ticking = true;
    setImmediate(() => {
      this.#ticking = false;
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const timer = this.#timers.shift();
      if (!timer) return;
      this.#now = Math.max(this.#now, timer.at);
      timer.wake();
      if (this.#timers.length > 0) this.#schedule();
    });
  }
}
