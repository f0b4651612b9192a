import type { TargetAdmin } from '../runtime/target-admin.ts';
import type { Probe } from './probe.ts';

/** The target's /readyz: ok when it answers 200 within the admin client's 2 s budget. */
export function readyzProbe(admin: TargetAdmin): Probe {
  return {
    name: 'readyz',
    async read() {
      const answer = await admin.ready();
      return { ok: answer.ok, ...(answer.detail ? { detail: answer.detail } : {}) };
    },
  };
}
