import { ROLES } from '../journal/index.ts';
import type { Role } from '../load/index.ts';
import type { Fault as FaultSpec } from './fault.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

const MAX_MULTIPLIER = 1000;
const MAX_RATE = 100_000;

export interface NoisyUserOptions {
  /** The noisy user's own calls per second, on top of the workload. */
  rate: number;
  /** The role of the identity taken out of the main stream to flood (default agent). */
  role?: Role;
  /** Its calls in flight at most (default 32). */
  maxInFlight?: number;
}

/** What a load fault does to the workload: planned before the run, not applied by inject. */
export type LoadEffect = { kind: 'spike'; multiplier: number } | ({ kind: 'noisy-user' } & NoisyUserOptions);

/**
 * A fault of the load rather than of the environment. The call schedule is planned up front (a
 * run must be reproducible from its seed), so its effect is folded into the workload before the
 * run (see applyLoadFaults in harness/scenario/load-faults.ts); inject and heal change nothing
 * but give the journal its inject and heal events at the times the effect starts and ends.
 */
export interface LoadFault extends FaultSpec {
  readonly load: LoadEffect;
}

export function isLoadFault(fault: FaultSpec): fault is LoadFault {
  const load = (fault as Partial<LoadFault>).load;
  return typeof load === 'object' && load !== null && (load.kind === 'spike' || load.kind === 'noisy-user');
}

function loadFault(name: string, load: LoadEffect, when: Timing, detail: string): LoadFault {
  return {
    name,
    ...when,
    load,
    async inject() {
      return detail;
    },
    async heal() {
      // Nothing to undo: the planned schedule returns to the workload's own rate by itself.
    },
  };
}

function checkNumber(fault: string, what: string, value: unknown, max: number, integer = false): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (integer ? Number.isInteger(value) && value >= 1 : value > 0) &&
    value <= max;
  if (!ok) {
    const range = integer ? `a whole number from 1 to ${max}` : `a number above 0, at most ${max}`;
    throw invalid(fault, `${what} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** Load faults: a traffic spike and one user flooding, for a window of their phase. */
export const loadFaults = {
  /**
   * The arrival rate multiplied by `multiplier` from `afterMs` into the phase for `forMs` (default
   * to the phase's end); overlapping spikes multiply together. Arrival-rate executors only.
   */
  spike(multiplier: number, timing: Timing = {}): LoadFault {
    checkNumber('spike', 'multiplier', multiplier, MAX_MULTIPLIER);
    checkOptions('spike', timing, ['afterMs', 'forMs']);
    const when = checkTiming('spike', timing);
    return loadFault(
      `spike(x${multiplier})`,
      { kind: 'spike', multiplier },
      when,
      `arrival rate x${multiplier} (planned with the call schedule)`,
    );
  },

  /**
   * One identity of `role` (default agent) taken out of the main stream, calling at `rate` per
   * second on top of it from `afterMs` into the phase for `forMs` (default to the phase's end),
   * silent outside that window. One noisy user per scenario. Arrival-rate executors only.
   */
  noisyUser(options: NoisyUserOptions, timing: Timing = {}): LoadFault {
    checkOptions('noisyUser', options, ['rate', 'role', 'maxInFlight']);
    checkNumber('noisyUser', 'rate', options.rate, MAX_RATE);
    const role = options.role ?? 'agent';
    if (!ROLES.includes(role)) {
      throw invalid('noisyUser', `role must be one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
    }
    if (options.maxInFlight !== undefined) {
      checkNumber('noisyUser', 'maxInFlight', options.maxInFlight, 1000, true);
    }
    checkOptions('noisyUser', timing, ['afterMs', 'forMs']);
    const when = checkTiming('noisyUser', timing);
    return loadFault(
      `noisyUser(${role}, ${options.rate}/s)`,
      {
        kind: 'noisy-user',
        rate: options.rate,
        ...(options.role ? { role: options.role } : {}),
        ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
      },
      when,
      `one ${role} floods at ${options.rate} calls/s on top of the workload (planned with the call schedule)`,
    );
  },
};
