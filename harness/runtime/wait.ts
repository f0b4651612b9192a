import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError, type HarnessErrorCode } from '../errors.ts';

/**
 * Polls `probe` until it returns true or `timeoutMs` passes; the error names the subject and the
 * budget and carries `details()` (for example the last log lines of a process that died). A
 * probe that throws a HarnessError ends the wait at once with that error.
 */
export async function waitFor(
  subject: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; code?: HarnessErrorCode; details?: () => string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      // A HarnessError from the probe means waiting longer cannot help (the process died).
      if (error instanceof HarnessError) throw error;
      lastError = error;
    }
    await sleep(opts.intervalMs ?? 100);
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  const details = opts.details?.();
  throw new HarnessError(
    opts.code ?? 'TIMEOUT',
    `${subject} not ready after ${opts.timeoutMs}ms${why}${details ? `\n--- last output ---\n${details}` : ''}`,
  );
}

/** GET `url` and report whether it answered 2xx within `timeoutMs`. */
export async function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  return response.ok;
}
