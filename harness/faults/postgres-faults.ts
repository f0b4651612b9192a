import type { Fault as FaultSpec } from './fault.ts';
import type { Timing } from './timing.ts';

/** Faults of the PostgreSQL server itself. */
export const postgresFaults = {
  /** Stops PostgreSQL (fast shutdown: connected clients are cut off) and starts it again on heal. */
  restart(dependency: 'postgres', timing: Timing = {}): FaultSpec {
    return {
      name: `restart(${dependency})`,
      ...timing,
      async inject(env) {
        await env.stopPostgres();
      },
      async heal(env) {
        await env.startPostgres();
      },
    };
  },
};
