// `mcp-chaos doctor` as a user runs it, on this machine: the JSON is what the schema says, and
// the local runtime (what CI and every developer machine here run) is ready.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { doctorReportSchema } from '../harness/doctor/index.ts';

const bin = 'harness/cli/bin.ts';
const run = promisify(execFile);

describe('mcp-chaos doctor', () => {
  it('--json: one object the schema accepts, local ready, exit code 0', async () => {
    // execFile rejects on a non-zero exit: that alone fails the test when local is not ready.
    const { stdout } = await run(process.execPath, [bin, 'doctor', '--json'], { timeout: 60_000 });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const report = doctorReportSchema.parse(JSON.parse(stdout));
    expect(report.exitCode).toBe(0);
    expect(report.runtimes.find((r) => r.runtime === 'local')).toEqual({
      runtime: 'local',
      ready: true,
      fixes: [],
    });
    const ids = report.checks.map((c) => c.id);
    for (const id of [
      'node',
      'dependencies',
      'loopback-ports',
      'postgres-binaries',
      'postgres-user',
      'toxiproxy',
    ]) {
      expect(ids).toContain(id);
      expect(report.checks.find((c) => c.id === id)?.status).toBe('ok');
    }
    expect(ids).toEqual(expect.arrayContaining(['docker-engine', 'debootstrap', 'leftovers']));
    // What keeps containers from running, if anything, comes with its fixes.
    const containers = report.runtimes.find((r) => r.runtime === 'containers');
    expect(containers?.ready).toBe(containers?.fixes.length === 0);
  });

  it('prints aligned checks and a verdict per runtime in a terminal', async () => {
    const { stdout } = await run(process.execPath, [bin, 'doctor'], {
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/^ {2}✓ node +ok +Node 2\d\./m);
    expect(stdout).toMatch(/^ {2}local: +✓ ready$/m);
    expect(stdout).toMatch(/^ {2}containers: (✓ ready|✗ not ready \(\d+ fix(es)?\))$/m);
    const detailColumns = stdout
      .split('\n')
      .filter((l) => /^ {2}[✓✗!] /.test(l))
      .map((l) => l.search(/(ok|MISSING|BROKEN|WARN) /));
    expect(new Set(detailColumns).size).toBe(1);
  });
});
