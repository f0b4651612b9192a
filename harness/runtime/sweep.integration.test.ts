// Two runs may start at once and find the same dead owner's containers: both sweep them, and
// neither may fail because the other got there first.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { testRuntimes } from '../../test/support/runtimes.ts';
import { sweepOrphans } from './sweep.ts';

const docker = (...args: string[]) => spawnSync('docker', args, { encoding: 'utf8' });

// As every containers test: run unless MCP_CHAOS_TEST_RUNTIMES leaves containers out (no silent skip).
describe.runIf(testRuntimes().includes('containers'))('sweepOrphans', () => {
  const envId = `sweeprace${process.pid}`;
  afterAll(() => {
    const ids = docker('ps', '-aq', '--filter', `label=mcp-chaos.env-id=${envId}`)
      .stdout.split('\n')
      .filter(Boolean);
    if (ids.length > 0) docker('rm', '-f', ...ids);
  });

  it('two sweeps at once of the same orphans both succeed, and the orphans are gone', async () => {
    // A pid that was alive and is not any more: the owner of an orphan.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const labels = ['mcp-chaos=1', `mcp-chaos.owner-pid=${dead}`, `mcp-chaos.env-id=${envId}`];
    for (let i = 0; i < 4; i++) {
      const run = docker(
        'run',
        '-d',
        '--name',
        `mcp-chaos-${envId}-${i}`,
        ...labels.flatMap((l) => ['--label', l]),
        '--entrypoint',
        'sleep',
        'mcp-chaos/base:bookworm',
        '300',
      );
      expect(run.status, run.stderr).toBe(0);
    }
    const results = await Promise.allSettled([sweepOrphans(() => {}), sweepOrphans(() => {})]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
    const swept = results.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value.containers : 0), 0);
    expect(swept).toBeGreaterThanOrEqual(4);
    expect(docker('ps', '-aq', '--filter', `label=mcp-chaos.env-id=${envId}`).stdout.trim()).toBe('');
  });
});
