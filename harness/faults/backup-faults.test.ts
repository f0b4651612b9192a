import { describe, expect, it } from 'vitest';
import type { StartedEnvironment } from '../runtime/environment.ts';
import { Fault } from './catalog.ts';

const env = (backup?: { command: string; args: string[] }) =>
  ({
    targetDefinition: { name: 'reference', env: {}, ...(backup ? { backup } : {}) },
  }) as unknown as StartedEnvironment;

describe('backup faults', () => {
  it('are instant, named after their backup, and keep their timing', () => {
    expect(Fault.backup('postgres', { afterMs: 500 })).toMatchObject({
      name: 'backup(postgres)',
      instant: true,
      afterMs: 500,
    });
    expect(Fault.backup('postgres', { name: 'nightly' }).name).toBe('backup(postgres, nightly)');
    expect(Fault.restoreBackup('postgres', { from: 'nightly' }).name).toBe(
      'restoreBackup(postgres, nightly)',
    );
  });

  it.each([
    [
      () => Fault.backup('mysql' as 'postgres'),
      'Fault.backup: unknown dependency "mysql" (use \'postgres\')',
    ],
    [
      () => Fault.backup('postgres', { forMs: 5 } as never),
      'Fault.backup: unknown option(s) forMs (known: name, afterMs)',
    ],
    [
      () => Fault.backup('postgres', { name: 'a b' }),
      'Fault.backup: name must be 1-64 letters, digits, _ . -',
    ],
    [
      () => Fault.restoreBackup('postgres', { afterMs: -1 }),
      'Fault.restoreBackup: afterMs must be a number of milliseconds ≥ 0',
    ],
  ])('names a bad definition: %#', (define, message) => {
    expect(define).toThrow(message);
  });

  it('says what to do when the target has no backup tool or no backup was taken', async () => {
    await expect(Fault.backup('postgres').inject(env())).rejects.toThrow(
      'Fault.backup: target reference has no backup tool: give its TargetDefinition a `backup` command',
    );
    await expect(Fault.restoreBackup('postgres', { from: 'nightly' }).inject(env())).rejects.toThrow(
      "Fault.restoreBackup: no backup named nightly was taken before it: put Fault.backup('postgres', { name: 'nightly' }) in an earlier phase",
    );
  });

  it('reports a failing backup tool with its exit code and what it printed', async () => {
    const failing = env({
      command: process.execPath,
      args: ['-e', 'console.error("disk full"); process.exit(3)', '--'],
    });
    await expect(Fault.backup('postgres').inject(failing)).rejects.toThrow(
      /the target's backup failed \(exit 3\): disk full/,
    );
  });
});
