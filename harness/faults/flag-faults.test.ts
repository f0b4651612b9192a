import { describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { Fault } from './catalog.ts';
import { flagFaults } from './flag-faults.ts';
import { errorOf } from './test-support.ts';

// Scenario files may be plain JavaScript: the types do not stop these at run time.
const loose = flagFaults as unknown as Record<string, (...args: unknown[]) => unknown>;

/** An environment whose admin client records the flips (and may refuse them). */
function fakeEnv(options: { refuses?: boolean } = {}) {
  const calls: string[] = [];
  const env = {
    admin: {
      async setToolEnabled(tool: string, enabled: boolean) {
        calls.push(`${tool} ${enabled ? 'on' : 'off'}`);
        if (options.refuses) throw new Error('HTTP 404');
      },
    },
  } as unknown as StartedEnvironment;
  return { env, calls };
}

describe('flag faults', () => {
  it('are in the catalog, named for the journal, with their timing', () => {
    const fault = Fault.disableTool('create_ticket', { afterMs: 500, forMs: 3_000 });
    expect(fault).toMatchObject({ name: 'disableTool(create_ticket)', afterMs: 500, forMs: 3_000 });
    expect(fault.instant).toBeUndefined();
  });

  it('disable the tool through the admin API on inject and enable it on heal', async () => {
    const { env, calls } = fakeEnv();
    const fault = Fault.disableTool('create_ticket');
    expect(await fault.inject(env)).toBe('create_ticket disabled through PUT /flags/create_ticket');
    await fault.heal(env);
    await fault.heal(env); // healed once: a second heal does nothing
    expect(calls).toEqual(['create_ticket off', 'create_ticket on']);
  });

  it('heal nothing that was never injected, and heal a refused inject all the same', async () => {
    const { env, calls } = fakeEnv();
    await Fault.disableTool('list_orders').heal(env);
    expect(calls).toEqual([]);
    const refused = fakeEnv({ refuses: true });
    const fault = Fault.disableTool('list_orders');
    await expect(fault.inject(refused.env)).rejects.toThrow('HTTP 404');
    await fault.heal(refused.env).catch(() => undefined);
    expect(refused.calls).toEqual(['list_orders off', 'list_orders on']);
  });

  it('reject bad arguments, naming the bad option', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => loose.disableTool?.(), /Fault\.disableTool: tool must be a tool name/],
      [() => loose.disableTool?.('drop tables; --'), /tool must be a tool name .*"drop tables; --"/],
      [() => loose.disableTool?.('create_ticket', { for: 100 }), /unknown option\(s\) for/],
      [() => loose.disableTool?.('create_ticket', { forMs: -5 }), /forMs must be .* got -5/],
      [() => loose.disableTool?.('create_ticket', 'soon'), /options must be an object/],
    ];
    for (const [make, message] of cases) {
      const error = errorOf(make);
      expect(error.code).toBe('INVALID_SCENARIO');
      expect(error.message).toMatch(message);
    }
  });
});
