import type { JournalRecord } from '../journal/index.ts';
import { now } from '../load/index.ts';
import type { StartedEnvironment } from '../runtime/environment.ts';

/** Samples the target's /readyz on an interval until stopped; each sample is a probe record. */
export function startReadinessProbe(
  env: StartedEnvironment,
  append: (record: JournalRecord) => void,
  intervalMs = 500,
): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = now();
      const sample = await env.admin.ready();
      append({
        type: 'probe',
        name: 'readyz',
        at,
        ok: sample.ok,
        latencyMs: sample.latencyMs,
        ...(sample.detail ? { detail: sample.detail.slice(0, 200) } : {}),
      });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (now() - at))));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
