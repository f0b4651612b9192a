import { describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { Fault } from './catalog.ts';
import { postgresFaults } from './postgres-faults.ts';
import { errorOf } from './test-support.ts';

// Scenario files may be plain JavaScript: the types do not stop these at run time.
const loose = postgresFaults as unknown as Record<string, (...args: unknown[]) => unknown>;

describe('postgres faults', () => {
  it('are in the catalog', () => {
    for (const name of ['restart', 'stop', 'pause', 'exhaustConnections', 'terminateBackends']) {
      expect(typeof (Fault as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('name themselves for the journal and carry their timing', () => {
    expect(Fault.restart('postgres').name).toBe('restart(postgres)');
    expect(Fault.stop('postgres', { afterMs: 100, forMs: 2000 })).toMatchObject({
      name: 'stop(postgres)',
      afterMs: 100,
      forMs: 2000,
    });
    expect(Fault.pause('postgres', { forMs: 500 })).toMatchObject({ name: 'pause(postgres)', forMs: 500 });
    const exhaust = Fault.exhaustConnections('postgres', { leave: 2, forMs: 1000 });
    expect(exhaust).toMatchObject({ name: 'exhaustConnections(postgres, leave 2)', forMs: 1000 });
    expect(exhaust).not.toHaveProperty('leave'); // its own options stay off the spec
    expect(Fault.terminateBackends('postgres').name).toBe('terminateBackends(postgres)');
    expect(Fault.terminateBackends('postgres', { applicationName: 'app/1' }).name).toBe(
      'terminateBackends(postgres, app/1)',
    );
    expect(Fault.exhaustConnections('postgres', { leave: 0 }).name).toBe(
      'exhaustConnections(postgres, leave 0)',
    );
  });

  it('reject an unknown dependency', () => {
    for (const name of ['restart', 'stop', 'pause', 'terminateBackends']) {
      const error = errorOf(() => loose[name]?.('redis'));
      expect(error.code).toBe('INVALID_SCENARIO');
      expect(error.message).toBe(`Fault.${name}: unknown dependency "redis" (use 'postgres')`);
    }
  });

  it('reject bad timing and unknown options', () => {
    expect(errorOf(() => Fault.pause('postgres', { afterMs: -1 })).message).toBe(
      'Fault.pause: afterMs must be a number of milliseconds ≥ 0, got -1',
    );
    expect(errorOf(() => Fault.stop('postgres', { forMs: 0 })).message).toBe(
      'Fault.stop: forMs must be a number of milliseconds > 0, got 0',
    );
    expect(errorOf(() => Fault.stop('postgres', { forMs: Number.NaN })).message).toContain('got NaN');
    expect(errorOf(() => loose.pause?.('postgres', { forMS: 10 })).message).toBe(
      'Fault.pause: unknown option(s) forMS (known: afterMs, forMs)',
    );
    expect(errorOf(() => loose.stop?.('postgres', null)).message).toBe(
      'Fault.stop: options must be an object such as { afterMs, forMs }',
    );
  });

  it('exhaustConnections needs a whole leave ≥ 0', () => {
    for (const leave of [-1, 1.5, Number.NaN, undefined, '2']) {
      const error = errorOf(() => loose.exhaustConnections?.('postgres', { leave }));
      expect(error.code).toBe('INVALID_SCENARIO');
      expect(error.message).toBe(
        `Fault.exhaustConnections: leave must be a whole number of connections ≥ 0, got ${String(leave)}`,
      );
    }
    expect(errorOf(() => loose.exhaustConnections?.('postgres')).message).toBe(
      'Fault.exhaustConnections: options must be an object such as { afterMs, forMs, leave }',
    );
    expect(errorOf(() => loose.exhaustConnections?.('postgres', { leave: 1, keep: 2 })).message).toBe(
      'Fault.exhaustConnections: unknown option(s) keep (known: afterMs, forMs, leave)',
    );
  });

  it('terminateBackends needs a usable application name', () => {
    for (const applicationName of ['', 'x'.repeat(64), 42]) {
      const error = errorOf(() => loose.terminateBackends?.('postgres', { applicationName }));
      expect(error.message).toMatch(
        /^Fault\.terminateBackends: applicationName must be a non-empty string of at most 63 characters/,
      );
    }
    expect(Fault.terminateBackends('postgres', { applicationName: 'a'.repeat(63) }).name).toContain(
      'a'.repeat(63),
    );
  });

  it('heal what inject did, once, and nothing it did not', async () => {
    const calls: string[] = [];
    const env = {
      stopPostgres: async () => {
        calls.push('stop');
      },
      startPostgres: async () => {
        calls.push('start');
      },
      pausePostgres: async () => {
        calls.push('pause');
        throw new Error('half-way');
      },
      resumePostgres: async () => {
        calls.push('resume');
      },
    } as unknown as StartedEnvironment;

    const stop = Fault.stop('postgres');
    await stop.heal(env); // never injected: nothing to start
    await stop.inject(env);
    await stop.heal(env);
    await stop.heal(env); // twice: started once
    expect(calls.splice(0)).toEqual(['stop', 'start']);

    const pause = Fault.pause('postgres');
    await expect(pause.inject(env)).rejects.toThrow('half-way');
    await pause.heal(env); // a half-done pause is thawed all the same
    await pause.heal(env);
    expect(calls.splice(0)).toEqual(['pause', 'resume', 'resume']);

    // Nothing held yet: heal is a no-op, not an error.
    await Fault.exhaustConnections('postgres', { leave: 1 }).heal(env);
    await Fault.terminateBackends('postgres').heal(env);
    expect(calls).toEqual([]);
  });
});
