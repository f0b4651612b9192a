import type { Fault as FaultSpec } from './fault.ts';
import { perRun } from './per-run.ts';
import type { Timing } from './timing.ts';
import { checkOptions, checkTiming, invalid } from './validate.ts';

export interface UpstreamSlowOptions extends Timing {
  /** How long the shipping service waits before each answer. */
  delayMs: number;
}

export interface UpstreamFailingOptions extends Timing {
  /** The HTTP status it answers (500–599; default 503). */
  status?: number;
}

/**
 * Faults of the target's upstream itself (the shipping-status service the harness runs), as
 * opposed to the network in front of it (link faults on `target→upstream`): the service answers
 * slowly, answers 5xx, or holds every request. Each is journaled against the `target→upstream`
 * link and healed (the service back to normal) on every exit path like any other fault.
 */
export const upstreamFaults = {
  /** Every shipping-status answer takes `delayMs` (requests already waiting keep their delay). */
  upstreamSlow(options: UpstreamSlowOptions): FaultSpec {
    checkOptions('upstreamSlow', options, ['delayMs', 'afterMs', 'forMs']);
    const { delayMs } = options;
    if (!(Number.isInteger(delayMs) && delayMs > 0 && delayMs <= 600_000)) {
      throw invalid('upstreamSlow', `delayMs must be an integer from 1 to 600000, got ${String(delayMs)}`);
    }
    return upstreamFault(`upstreamSlow(${delayMs}ms)`, checkTiming('upstreamSlow', options), (env) => {
      env.shipping.setMode({ kind: 'slow', delayMs });
      return `shipping service answers after ${delayMs} ms`;
    });
  },

  /** Every shipping-status request is answered with `status` (default 503) at once. */
  upstreamFailing(options: UpstreamFailingOptions = {}): FaultSpec {
    checkOptions('upstreamFailing', options, ['status', 'afterMs', 'forMs']);
    const status = options.status ?? 503;
    if (!(Number.isInteger(status) && status >= 500 && status <= 599)) {
      throw invalid(
        'upstreamFailing',
        `status must be an HTTP status from 500 to 599, got ${String(status)}`,
      );
    }
    return upstreamFault(`upstreamFailing(${status})`, checkTiming('upstreamFailing', options), (env) => {
      env.shipping.setMode({ kind: 'failing', status });
      return `shipping service answers HTTP ${status}`;
    });
  },

  /** Every shipping-status request is held unanswered until the fault is healed. */
  upstreamHang(options: Timing = {}): FaultSpec {
    checkOptions('upstreamHang', options, ['afterMs', 'forMs']);
    return upstreamFault('upstreamHang()', checkTiming('upstreamHang', options), (env) => {
      env.shipping.setMode({ kind: 'hang' });
      return 'shipping service holds every request unanswered';
    });
  },
};

function upstreamFault(
  name: string,
  when: Timing,
  apply: (env: Parameters<FaultSpec['inject']>[0]) => string,
): FaultSpec {
  const run = perRun(() => ({ injected: false }));
  return {
    name,
    link: 'target→upstream',
    ...when,
    async inject(env) {
      run(env).injected = true;
      return apply(env);
    },
    async heal(env) {
      if (!run(env).injected) return;
      // Requests it held are answered now, normally: nothing stays hung past the fault.
      env.shipping.heal();
      run(env).injected = false;
    },
  };
}
