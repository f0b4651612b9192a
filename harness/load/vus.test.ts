import { describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generate.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import type { WorkloadContext } from './executor.ts';
import { FakeClock } from './fake-clock.ts';
import type { McpSession, ToolResult } from './mcp-contract.ts';
import { runConstantVus, runRampingVus } from './vus.ts';

// Closed-model executors on a virtual clock, with sessions answering after `callMs`.
function context(clock: FakeClock, perIdentity: number, callMs: number, seed = 1) {
  const dataset = generateDataset(1, { tenants: 2, customersPerTenant: 3 });
  const sessions = dataset.tenants.map((t) =>
    Array.from(
      { length: perIdentity },
      () =>
        ({
          identity: { tenant: t.id, role: 'agent' },
          async call(): Promise<ToolResult> {
            await clock.sleep(callMs);
            return { structuredContent: {}, _meta: {} };
          },
        }) as unknown as McpSession,
    ),
  );
  const records: JournalRecord[] = [];
  const ctx: WorkloadContext = {
    runId: 't',
    seed,
    dataset,
    sessions,
    append: (r) => records.push(r),
    phase: () => 'p',
    clock,
  };
  const calls = () => records.filter((r): r is RecordOf<'call'> => r.type === 'call');
  return { ctx, calls, records };
}

const common = { callTimeoutMs: 5000, mix: { lookup_customer: 1 } };

describe('VU executors on a virtual clock', () => {
  it('constant-vus: each VU calls, thinks, calls again, one call at a time', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { ctx, calls } = context(clock, 2, 100);
    const summary = await runConstantVus({ ...common, vus: 4, durationMs: 1000, thinkTimeMs: 100 }, ctx);
    // 1,000 ms / (100 ms call + 100 ms think) = 5 calls per VU.
    expect(summary).toMatchObject({ started: 20, dropped: 0 });
    for (let vu = 0; vu < 4; vu++) {
      const starts = calls()
        .filter((c) => c.vu === vu)
        .map((c) => c.actualStart - t0);
      expect(starts).toEqual([0, 200, 400, 600, 800]);
    }
  });

  it('ramping-vus: the number of busy VUs follows the stages', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { ctx, calls } = context(clock, 5, 100);
    await runRampingVus(
      {
        ...common,
        startVus: 0,
        stages: [
          { duration: '1s', target: 10 },
          { duration: '1s', target: 10 },
        ],
        thinkTimeMs: 0,
      },
      ctx,
    );
    const vusIn = (from: number, to: number) =>
      new Set(
        calls()
          .filter((c) => c.actualStart - t0 >= from && c.actualStart - t0 < to)
          .map((c) => c.vu),
      ).size;
    expect(vusIn(0, 250)).toBeLessThanOrEqual(3);
    expect(vusIn(1000, 2000)).toBe(10);
    expect(vusIn(500, 600)).toBeGreaterThan(vusIn(0, 100));
  });

  it('gives the same per-VU call sequence for the same seed', async () => {
    const run = async (seed: number) => {
      const clock = new FakeClock();
      const { ctx } = context(clock, 2, 10, seed);
      return (await runConstantVus({ ...common, vus: 4, durationMs: 300, thinkTimeMs: 20 }, ctx))
        .sequenceDigest;
    };
    expect(await run(3)).toBe(await run(3));
    expect(await run(3)).not.toBe(await run(4));
  });
});
