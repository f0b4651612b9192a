/** readyz-always-ok: ready because the process is up, whatever its database says. */
export const readyWithoutChecking = async (_check: () => Promise<void>): Promise<void> => undefined;

/**
 * pool-gauge-stale: the value read once, at registration (when the pool is still empty), as by a
 * gauge set at start-up instead of at scrape time.
 */
export function readOnce<T>(read: () => T): () => T {
  const first = read();
  return () => first;
}
