import { describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { Fault } from './catalog.ts';
import { isLoadFault } from './load-faults.ts';
import { errorOf } from './test-support.ts';

// Scenario files may be plain JavaScript: the types do not stop these at run time.
const loose = Fault as unknown as Record<string, (...args: unknown[]) => unknown>;
// Load faults never touch the environment: an empty one proves it.
const env = {} as StartedEnvironment;

describe('load faults', () => {
  it('are in the catalog and name themselves for the journal, with their timing', () => {
    expect(Fault.spike(4)).toMatchObject({ name: 'spike(x4)', load: { kind: 'spike', multiplier: 4 } });
    expect(Fault.spike(2.5, { afterMs: 1000, forMs: 2000 })).toMatchObject({ afterMs: 1000, forMs: 2000 });
    expect(Fault.spike(4)).not.toHaveProperty('afterMs');
    expect(Fault.noisyUser({ rate: 50 })).toMatchObject({
      name: 'noisyUser(agent, 50/s)',
      load: { kind: 'noisy-user', rate: 50 },
    });
    expect(Fault.noisyUser({ rate: 5, role: 'customer', maxInFlight: 4 }, { forMs: 500 })).toMatchObject({
      name: 'noisyUser(customer, 5/s)',
      forMs: 500,
      load: { kind: 'noisy-user', rate: 5, role: 'customer', maxInFlight: 4 },
    });
  });

  it('inject says what the load does and heal does nothing, without touching the environment', async () => {
    expect(await Fault.spike(4).inject(env)).toMatch(/^arrival rate x4/);
    expect(await Fault.noisyUser({ rate: 50, role: 'auditor' }).inject(env)).toMatch(
      /^one auditor floods at 50 calls\/s/,
    );
    await expect(Fault.spike(4).heal(env)).resolves.toBeUndefined();
    expect(Object.keys(env)).toEqual([]);
  });

  it('are told apart from the environment faults', () => {
    expect(isLoadFault(Fault.spike(2))).toBe(true);
    expect(isLoadFault(Fault.noisyUser({ rate: 1 }))).toBe(true);
    expect(isLoadFault(Fault.restart('postgres'))).toBe(false);
    expect(isLoadFault(Fault.kill('target'))).toBe(false);
  });

  it('reject bad arguments, naming the bad option', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => loose.spike?.(0), /Fault\.spike: multiplier must be a number above 0, at most 1000, got 0/],
      [() => loose.spike?.(-2), /multiplier must be/],
      [() => loose.spike?.(Number.NaN), /multiplier must be/],
      [() => loose.spike?.(5000), /at most 1000, got 5000/],
      [() => loose.spike?.('4'), /multiplier must be .* got "4"/],
      [() => loose.spike?.(2, { at: 100 }), /Fault\.spike: unknown option\(s\) at \(known: afterMs, forMs\)/],
      [() => loose.spike?.(2, { afterMs: -1 }), /Fault\.spike: afterMs must be a number of milliseconds ≥ 0/],
      [() => loose.spike?.(2, { forMs: 0 }), /Fault\.spike: forMs must be a number of milliseconds > 0/],
      [() => loose.noisyUser?.({ rate: 0 }), /Fault\.noisyUser: rate must be a number above 0/],
      [() => loose.noisyUser?.({}), /Fault\.noisyUser: rate must be .* got undefined/],
      [() => loose.noisyUser?.(50), /Fault\.noisyUser: options must be an object/],
      [
        () => loose.noisyUser?.({ rate: 5, rps: 5 }),
        /unknown option\(s\) rps \(known: rate, role, maxInFlight\)/,
      ],
      [
        () => loose.noisyUser?.({ rate: 5, role: 'admin' }),
        /role must be one of agent, auditor, customer, manager, billing_admin, got "admin"/,
      ],
      [
        () => loose.noisyUser?.({ rate: 5, maxInFlight: 1.5 }),
        /maxInFlight must be a whole number from 1 to 1000/,
      ],
      [
        () => loose.noisyUser?.({ rate: 5 }, { duration: 5 }),
        /Fault\.noisyUser: unknown option\(s\) duration/,
      ],
    ];
    for (const [make, message] of cases) {
      const error = errorOf(make);
      expect(error.code).toBe('INVALID_SCENARIO');
      expect(error.message).toMatch(message);
    }
  });
});
