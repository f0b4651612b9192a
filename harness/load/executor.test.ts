import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generate.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import { runConstantArrivalRate } from './executor.ts';
import type { McpSession, ToolResult } from './mcp-session.ts';

// The driver's scheduling, on sessions that answer after a fixed delay. What is under test is
// the open model (calls start on schedule however slow earlier ones are), the in-flight cap and
// the bookkeeping — not MCP, which the integration tests exercise on real sessions.
function slowSessions(count: number, delayMs: number): McpSession[] {
  return Array.from(
    { length: count },
    () =>
      ({
        identity: { tenant: 'unused', role: 'agent' },
        async call(): Promise<ToolResult> {
          await sleep(delayMs);
          return { structuredContent: {}, _meta: {} };
        },
      }) as unknown as McpSession,
  );
}

async function drive(rate: number, durationMs: number, perIdentity: number, delayMs: number, seed = 1) {
  const dataset = generateDataset(1, { tenants: 2, customersPerTenant: 3 });
  const sessions = dataset.tenants.map((t) =>
    slowSessions(perIdentity, delayMs).map((s) =>
      Object.assign(s, { identity: { tenant: t.id, role: 'agent' } }),
    ),
  );
  const records: JournalRecord[] = [];
  const summary = await runConstantArrivalRate(
    {
      rate,
      durationMs,
      maxInFlightPerIdentity: perIdentity,
      callTimeoutMs: 5000,
      mix: { lookup_customer: 1 },
    },
    { runId: 'test', seed, dataset, sessions, append: (r) => records.push(r), phase: () => 'p' },
  );
  const calls = records.filter((r): r is RecordOf<'call'> => r.type === 'call');
  const lag = records.filter((r): r is RecordOf<'lag'> => r.type === 'lag');
  return { summary, calls, lag };
}

describe('runConstantArrivalRate', () => {
  it('starts calls on schedule while earlier ones are still running (open model)', async () => {
    const { summary, calls } = await drive(50, 400, 20, 250);
    expect(summary).toMatchObject({ scheduled: 20, started: 20, dropped: 0 });
    const intended = calls.map((c) => c.intendedStart).sort((a, b) => a - b);
    const first = intended[0] ?? 0;
    // Intended starts sit exactly on the 20 ms grid, whatever the calls' duration.
    expect(intended.map((t) => Math.round(t - first))).toEqual(Array.from({ length: 20 }, (_, i) => i * 20));
    // Never started before its time, and latency counts from the intended start, so it is never
    // less than the service time (less a millisecond: the fake's own timer may fire early).
    for (const c of calls) {
      expect(c.actualStart).toBeGreaterThanOrEqual(c.intendedStart);
      expect(c.end - c.intendedStart).toBeGreaterThanOrEqual(248);
    }
  });

  it('drops and counts calls when every session of an identity is busy', async () => {
    const { summary, calls, lag } = await drive(50, 400, 2, 300);
    expect(summary.dropped).toBeGreaterThan(0);
    expect(summary.started + summary.dropped).toBe(summary.scheduled);
    expect(calls).toHaveLength(summary.started);
    expect(lag.reduce((n, w) => n + w.dropped, 0)).toBe(summary.dropped);
    expect(lag.reduce((n, w) => n + w.scheduled, 0)).toBe(summary.scheduled);
  });

  it('plans the same call sequence for the same seed', async () => {
    const a = await drive(100, 200, 10, 1, 7);
    const b = await drive(100, 200, 10, 1, 7);
    const c = await drive(100, 200, 10, 1, 8);
    expect(a.summary.sequenceDigest).toBe(b.summary.sequenceDigest);
    expect(a.summary.sequenceDigest).not.toBe(c.summary.sequenceDigest);
  });
});
