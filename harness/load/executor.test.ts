import { describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generate.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import type { Clock } from './clock.ts';
import { type Arrivals, runArrivals, runConstantArrivalRate, runRampingArrivalRate } from './executor.ts';
import { FakeClock } from './fake-clock.ts';
import type { McpSession, ToolResult } from './mcp-contract.ts';

// The driver's scheduling on a virtual clock, with sessions that answer after a delay the test
// chooses. What is under test is the open model (calls start on schedule however slow earlier
// ones are), the in-flight cap and the bookkeeping — not MCP, which the integration tests
// exercise on real sessions against the reference server.
type Delay = (callIndex: number, at: number) => number;

function sessionsFor(clock: Clock, tenants: string[], perIdentity: number, delay: Delay): McpSession[][] {
  let calls = 0;
  return tenants.map((tenant) =>
    Array.from(
      { length: perIdentity },
      () =>
        ({
          identity: { tenant, role: 'agent' },
          async call(): Promise<ToolResult> {
            await clock.sleep(delay(calls++, clock.now()));
            return { structuredContent: {}, _meta: {} };
          },
        }) as unknown as McpSession,
    ),
  );
}

async function drive(
  executor: (clock: FakeClock) => (ctx: Parameters<typeof runArrivals>[1]) => ReturnType<typeof runArrivals>,
  options: { perIdentity?: number; delay?: Delay; seed?: number; runId?: string } = {},
) {
  const clock = new FakeClock();
  const dataset = generateDataset(1, { tenants: 2, customersPerTenant: 3 });
  const sessions = sessionsFor(
    clock,
    dataset.tenants.map((t) => t.id),
    options.perIdentity ?? 50,
    options.delay ?? (() => 10),
  );
  const records: JournalRecord[] = [];
  const t0 = clock.now();
  const summary = await executor(clock)({
    runId: options.runId ?? 'test',
    seed: options.seed ?? 1,
    dataset,
    sessions,
    append: (r) => records.push(r),
    phase: () => 'p',
    clock,
  });
  const calls = records
    .filter((r): r is RecordOf<'call'> => r.type === 'call')
    .sort((a, b) => a.intendedStart - b.intendedStart);
  const lag = records.filter((r): r is RecordOf<'lag'> => r.type === 'lag');
  return { summary, calls, lag, t0 };
}

const limits = { maxInFlightPerIdentity: 50, callTimeoutMs: 5000, mix: { lookup_customer: 1 } };

describe('arrival-rate executors on a virtual clock', () => {
  it('constant-arrival-rate: every call starts exactly on its 20 ms grid slot', async () => {
    const { summary, calls, t0 } = await drive(
      () => (ctx) => runConstantArrivalRate({ ...limits, rate: 50, durationMs: 1000 }, ctx),
    );
    expect(summary).toMatchObject({ scheduled: 50, started: 50, dropped: 0 });
    expect(calls.map((c) => c.intendedStart - t0)).toEqual(Array.from({ length: 50 }, (_, i) => i * 20));
    for (const c of calls) {
      expect(c.actualStart).toBe(c.intendedStart);
      expect(c.end - c.intendedStart).toBe(10);
    }
  });

  it('ramping-arrival-rate: calls per second follow the stages', async () => {
    const stages = [
      { duration: '1s', target: 10 },
      { duration: '2s', target: 50 },
    ];
    const { summary, calls, t0 } = await drive(
      () => (ctx) => runRampingArrivalRate({ ...limits, startRate: 10, stages }, ctx),
    );
    const perSecond = [0, 1, 2].map(
      (s) => calls.filter((c) => Math.floor((c.intendedStart - t0) / 1000) === s).length,
    );
    // The integral of the rate: 10, then 10→30 (20 calls), then 30→50 (40 calls).
    expect(perSecond).toEqual([10, 20, 40]);
    expect(summary.scheduled).toBe(70);
  });

  it('a stalled target shows as latency, not as fewer calls (no coordinated omission)', async () => {
    // Calls issued between 400 and 600 ms hang until 2,000 ms, as behind a dead database.
    const delay: Delay = (_, at) =>
      at - 1_000_000 >= 400 && at - 1_000_000 < 600 ? 2_000 - (at - 1_000_000) : 10;
    const { summary, calls, t0 } = await drive(
      () => (ctx) => runConstantArrivalRate({ ...limits, rate: 50, durationMs: 1000 }, ctx),
      { delay },
    );
    expect(summary).toMatchObject({ scheduled: 50, started: 50, dropped: 0 });
    const stalled = calls.filter((c) => c.intendedStart - t0 >= 400 && c.intendedStart - t0 < 600);
    expect(stalled).toHaveLength(10);
    for (const c of stalled) expect(c.end - t0).toBe(2_000);
    // The calls after the stall were still issued on time: the driver never waited for the target.
    expect(
      calls.filter((c) => c.intendedStart - t0 >= 600).every((c) => c.actualStart === c.intendedStart),
    ).toBe(true);
  });

  it('drops and counts calls when every session of an identity is busy', async () => {
    const { summary, calls, lag } = await drive(
      () => (ctx) =>
        runConstantArrivalRate({ ...limits, maxInFlightPerIdentity: 2, rate: 50, durationMs: 1000 }, ctx),
      { perIdentity: 2, delay: () => 300 },
    );
    expect(summary.dropped).toBeGreaterThan(0);
    expect(summary.started + summary.dropped).toBe(summary.scheduled);
    expect(calls).toHaveLength(summary.started);
    expect(lag.reduce((n, w) => n + w.dropped, 0)).toBe(summary.dropped);
    expect(lag.reduce((n, w) => n + w.scheduled, 0)).toBe(summary.scheduled);
  });

  it('plans the same call sequence for the same seed', async () => {
    const run = (seed: number) =>
      drive(() => (ctx) => runConstantArrivalRate({ ...limits, rate: 100, durationMs: 500 }, ctx), { seed });
    const [a, b, c] = await Promise.all([run(7), run(7), run(8)]);
    expect(a.summary.sequenceDigest).toBe(b.summary.sequenceDigest);
    expect(a.summary.sequenceDigest).not.toBe(c.summary.sequenceDigest);
    expect(a.calls.map((x) => x.argsDigest)).toEqual(b.calls.map((x) => x.argsDigest));
  });

  it('digests the same sequence for the same seed whatever the run id in idempotency keys', async () => {
    const mix = { lookup_customer: 1, create_ticket: 1 };
    const run = (seed: number, runId: string) =>
      drive(() => (ctx) => runConstantArrivalRate({ ...limits, mix, rate: 100, durationMs: 500 }, ctx), {
        seed,
        runId,
      });
    const [a, b, c] = await Promise.all([run(7, 'run-a'), run(7, 'run-b'), run(8, 'run-a')]);
    expect(a.calls.some((x) => x.tool === 'create_ticket')).toBe(true);
    expect(a.calls.map((x) => x.argsDigest)).not.toEqual(b.calls.map((x) => x.argsDigest)); // keys differ
    expect(a.summary.sequenceDigest).toBe(b.summary.sequenceDigest);
    expect(a.summary.sequenceDigest).not.toBe(c.summary.sequenceDigest);
  });

  it('stops issuing calls when aborted', async () => {
    const abort = new AbortController();
    const arrivals: Arrivals = { ...limits, arrivals: [0, 100, 200, 300, 400] };
    const { summary } = await drive((clock) => (ctx) => {
      void clock.sleep(250).then(() => abort.abort());
      return runArrivals(arrivals, { ...ctx, signal: abort.signal });
    });
    expect(summary.scheduled).toBe(3);
  });
});
