import { setTimeout as sleep } from 'node:timers/promises';

/** Epoch milliseconds with sub-millisecond resolution, monotonic within a run. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Time as the load driver sees it. The real one is wall-clock time; tests pass a virtual one so
 * that schedules are checked exactly, not against a noisy machine's timers.
 */
export interface Clock {
  now(): number;
  /** Resolves after `ms` (early if `signal` aborts; it never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now,
  async sleep(ms, signal) {
    await sleep(ms, undefined, { signal }).catch(() => undefined);
  },
};
