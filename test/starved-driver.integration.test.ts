// driverHealthy earns its keep: a driver whose process is starved of CPU starts calls late, and
// the scenario becomes inconclusive with the lag as evidence — never a failure of the target.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { defineScenario, type FaultSpec, noHangs, runScenario } from '../harness/index.ts';

/** Blocks the driver's event loop, as a busy neighbour on a 2-core machine would. */
const starveDriver: FaultSpec = {
  name: 'starve-driver(1500ms)',
  async inject() {
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      // burn
    }
  },
  async heal() {},
};

it('a starved load driver makes the scenario inconclusive, with the lag as evidence', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-starved-'));
  try {
    const result = await runScenario(
      defineScenario({
        name: 'starved-driver',
        description: 'the driver itself is starved of CPU mid-run',
        workload: { rate: 20, maxInFlightPerIdentity: 16 },
        timeline: [
          { name: 'baseline', durationMs: 2000 },
          { name: 'starved', durationMs: 3000, faults: [starveDriver] },
        ],
        expect: [noHangs({ maxMs: 5000 })],
      }),
      { runtime: 'local', reportDir },
    );
    const byCheck = Object.fromEntries(result.verdicts.map((v) => [v.check, v]));
    expect(result.status).toBe('inconclusive');
    expect(byCheck.noHangs?.status).toBe('pass');
    expect(byCheck.driverHealthy?.status).toBe('inconclusive');
    expect(byCheck.driverHealthy?.summary).toContain('The load driver fell behind');
    expect(byCheck.driverHealthy?.evidence[0]?.message).toMatch(/a call started 1,[0-9]{3} ms late/);
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
});
