import { describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { Fault } from './catalog.ts';
import { exitDetail, targetFaults } from './target-faults.ts';
import { errorOf } from './test-support.ts';

// Scenario files may be plain JavaScript: the types do not stop these at run time.
const loose = targetFaults as unknown as Record<string, (...args: unknown[]) => unknown>;

/** An environment whose target records what was done to it (kill may fail on demand). */
function fakeEnv(options: { killFails?: boolean } = {}) {
  const calls: string[] = [];
  const env = {
    target: {
      logs: () => '',
      async kill(signal: string) {
        calls.push(`kill ${signal}`);
        if (options.killFails) throw new Error('engine unreachable');
      },
      async lastExit() {
        return { code: 0, signal: null, logTail: ['{"msg":"stopped"}'] };
      },
      async restart() {
        calls.push('restart');
      },
    },
    admin: {
      async ready() {
        calls.push('ready');
        return { ok: true, latencyMs: 1 };
      },
    },
  } as unknown as StartedEnvironment;
  return { env, calls };
}

describe('target faults', () => {
  it('are in the catalog, next to restart(postgres)', () => {
    expect(typeof Fault.kill).toBe('function');
    expect(typeof Fault.restartTarget).toBe('function');
    expect(Fault.restart('postgres').name).toBe('restart(postgres)');
  });

  it('name themselves for the journal and carry their timing', () => {
    expect(Fault.kill('target').name).toBe('kill(target, SIGKILL)');
    const term = Fault.kill('target', { signal: 'SIGTERM', afterMs: 100, forMs: 2000 });
    expect(term).toMatchObject({ name: 'kill(target, SIGTERM)', afterMs: 100, forMs: 2000 });
    expect(term).not.toHaveProperty('signal'); // its own options stay off the spec
    expect(Fault.restartTarget({ afterMs: 50 })).toMatchObject({ name: 'restart(target)', afterMs: 50 });
    expect(Fault.restartTarget()).not.toHaveProperty('forMs');
    // One instance of several, by its id.
    expect(Fault.kill('target-2', { forMs: 1000 }).name).toBe('kill(target-2, SIGKILL)');
  });

  it('reject bad arguments, naming the bad option', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => loose.kill?.('postgres'), /Fault\.kill: unknown subject "postgres"/],
      [
        () => loose.kill?.('target-0'),
        /unknown subject "target-0" \(use 'target', or one instance of several: 'target-2'\)/,
      ],
      [() => loose.kill?.('target-x'), /unknown subject "target-x"/],
      [
        () => loose.kill?.('target', { signal: 'SIGHUP' }),
        /signal must be one of SIGKILL, SIGTERM, got "SIGHUP"/,
      ],
      [() => loose.kill?.('target', { signal: 9 }), /signal must be one of/],
      [() => loose.kill?.('target', { sigal: 'SIGTERM' }), /unknown option\(s\) sigal/],
      [() => loose.kill?.('target', { afterMs: -1 }), /afterMs must be .* got -1/],
      [() => loose.kill?.('target', { forMs: 0 }), /forMs must be .* got 0/],
      [() => loose.kill?.('target', { forMs: Number.NaN }), /forMs must be/],
      [() => loose.kill?.('target', null), /options must be an object/],
      [() => loose.restartTarget?.({ forMs: 100 }), /Fault\.restartTarget: unknown option\(s\) forMs/],
      [() => loose.restartTarget?.({ afterMs: Number.POSITIVE_INFINITY }), /afterMs must be/],
      [() => loose.restartTarget?.('target'), /options must be an object/],
    ];
    for (const [make, message] of cases) {
      const error = errorOf(make);
      expect(error.code).toBe('INVALID_SCENARIO');
      expect(error.message).toMatch(message);
    }
  });

  it('say how the target exited, with its last log lines, in a few hundred characters', () => {
    expect(exitDetail('sent SIGKILL', { code: null, signal: 'SIGKILL', logTail: ['a', 'b'] })).toBe(
      'sent SIGKILL: target killed by SIGKILL; last log lines: a | b',
    );
    expect(exitDetail('sent SIGKILL', { code: 137, signal: null, logTail: [] })).toBe(
      'sent SIGKILL: target exited with code 137 (128 + SIGKILL); no log lines',
    );
    expect(exitDetail('sent SIGTERM', { code: 0, signal: null, logTail: ['stopped'] })).toMatch(
      /exited with code 0; last log lines: stopped$/,
    );
    const long = exitDetail('sent SIGKILL', {
      code: 137,
      signal: null,
      logTail: Array.from({ length: 20 }, (_, i) => `line ${i} ${'x'.repeat(200)}`),
    });
    expect(long.length).toBeLessThan(520);
    expect(long).toMatch(/x$/); // the end of the last line is kept
    expect(long).not.toContain('line 14'); // only the last five lines
    expect(exitDetail('sent SIGKILL', undefined)).toMatch(/no exit/);
  });

  it('kill: inject kills and reports, heal restarts and waits ready once; idempotent', async () => {
    const { env, calls } = fakeEnv();
    const fault = Fault.kill('target', { signal: 'SIGTERM' });
    await fault.heal(env); // never injected: nothing to do
    expect(calls).toEqual([]);
    expect(await fault.inject(env)).toMatch(/^sent SIGTERM: target exited with code 0; last log lines/);
    await fault.heal(env);
    await fault.heal(env);
    expect(calls).toEqual(['kill SIGTERM', 'restart', 'ready']);
  });

  it('kill: one fault object played by two runs at once heals each run its own target', async () => {
    // A self-test plays a scenario against a broken build and the good one at the same time.
    const one = fakeEnv();
    const two = fakeEnv();
    const fault = Fault.kill('target');
    await fault.inject(one.env);
    await fault.heal(two.env); // two never had it injected
    expect(two.calls).toEqual([]);
    await fault.heal(one.env);
    expect(one.calls).toEqual(['kill SIGKILL', 'restart', 'ready']);
  });

  it('kill: a kill that failed half-way is still restarted by heal', async () => {
    const { env, calls } = fakeEnv({ killFails: true });
    const fault = Fault.kill('target');
    await expect(fault.inject(env)).rejects.toThrow(/engine unreachable/);
    await fault.heal(env);
    expect(calls).toEqual(['kill SIGKILL', 'restart', 'ready']);
  });

  it('restartTarget: SIGTERM, start again, ready, all in inject; heal does nothing', async () => {
    const { env, calls } = fakeEnv();
    const fault = Fault.restartTarget();
    expect(await fault.inject(env)).toMatch(/exited with code 0.*started again and ready$/);
    await fault.heal(env);
    expect(calls).toEqual(['kill SIGTERM', 'restart', 'ready']);
  });
});
