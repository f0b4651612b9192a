/** Epoch milliseconds with sub-millisecond resolution, monotonic within a run. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}
