// Honest latency: 30 s at a fixed arrival rate against the reference server, with 300 ms added
// to every reply from PostgreSQL at 15 s. With its read cache off and its audit entries spooled
// as soon as an insert takes over 10 ms, every lookup_customer call waits on exactly one round
// trip to PostgreSQL, so the latency the journal shows must step up by the toxic's 300 ms — at
// least that (the driver may not hide any of it) and at most that plus the baseline's p99 (the
// driver may not add delay of its own) — and the step must start within a second of the fault.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duration, formatSummary } from '../harness/cli/summary.ts';
import {
  type CallRecord,
  defineScenario,
  Fault,
  noHangs,
  type RecordOf,
  referenceTarget,
  runScenario,
  streamJournal,
} from '../harness/index.ts';
import { buildRunReport, reportFromJournal } from '../harness/report/index.ts';

const LATENCY_MS = 300;

const latencyStep = defineScenario({
  name: 'latency-step',
  description: '300 ms on target→postgres half-way through a fixed-rate run',
  // 50 calls/s × (a few ms + 300 ms) keeps fewer queries in flight than the pool's 30
  // connections, so no call waits for a connection: what it waits for is the link alone.
  workload: { rate: 50, mix: { lookup_customer: 1 }, callTimeout: '5s' },
  timeline: [
    { name: 'baseline', durationMs: 15_000 },
    {
      name: 'latency',
      durationMs: 15_000,
      faults: [Fault.latency('target→postgres', { latencyMs: LATENCY_MS })],
    },
  ],
  expect: [noHangs({ maxMs: 5_000 })],
});

let reportDir: string;
beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-latency-'));
});
afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

/** Exact nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

describe('latency through the driver', () => {
  it('shows 300 ms on target→postgres as a 300 ms step in the p50, from the fault on', async () => {
    const result = await runScenario(latencyStep, {
      runtime: 'local',
      seed: 3,
      reportDir,
      // The read cache would answer some calls without PostgreSQL, and the audit's group commit
      // would add a second, variable round trip: both off the path this test measures.
      target: referenceTarget({
        env: { PG_POOL_MAX: '30', CACHE_TTL_MS: '0', CACHE_STALE_MS: '0', AUDIT_DATABASE_BUDGET_MS: '10' },
      }),
    });
    expect(result.status, JSON.stringify(result.verdicts)).toBe('pass');
    const calls: CallRecord[] = [];
    let inject: RecordOf<'fault'> | undefined;
    let header: RecordOf<'header'> | undefined;
    let end: RecordOf<'end'> | undefined;
    for await (const record of streamJournal(result.journalPath)) {
      if (record.type === 'header') header = record;
      if (record.type === 'end') end = record;
      if (record.type === 'call') calls.push(record);
      if (record.type === 'fault' && record.event === 'inject') inject = record;
    }
    expect(inject).toBeDefined();
    // The header's planned call sequence is the one the driver made.
    expect(header?.config.callSequenceDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(end?.callSequenceDigest).toBe(header?.config.callSequenceDigest);
    const faultAt = inject?.at ?? 0;
    expect(calls.every((c) => c.outcome === 'ok')).toBe(true);
    const latency = (c: CallRecord) => c.end - c.intendedStart;
    // The baseline's last 10 s: its first seconds include the target's JIT warm-up, which
    // would make the baseline slower than the same calls are later on.
    const before = calls.filter((c) => c.intendedStart >= faultAt - 10_000 && c.end < faultAt).map(latency);
    const after = calls.filter((c) => c.intendedStart >= faultAt + 1000).map(latency);
    expect(before.length).toBeGreaterThan(400);
    expect(after.length).toBeGreaterThan(600);
    const baseP50 = percentile(before, 50);
    const baseP99 = percentile(before, 99);
    const step = percentile(after, 50) - baseP50;
    process.stderr.write(
      `latency step: baseline p50 ${baseP50.toFixed(2)} ms, p99 ${baseP99.toFixed(2)} ms; p50 under the fault up ${step.toFixed(2)} ms (allowed ${LATENCY_MS}–${(LATENCY_MS + baseP99).toFixed(2)})\n`,
    );
    expect(step).toBeGreaterThanOrEqual(LATENCY_MS);
    expect(step).toBeLessThanOrEqual(LATENCY_MS + baseP99);
    // Where the step starts: the first 250 ms window whose p50 is up by the toxic's latency.
    const windows = new Map<number, number[]>();
    for (const c of calls.filter((c) => c.intendedStart >= faultAt - 2000)) {
      const key = Math.floor((c.intendedStart - faultAt) / 250);
      windows.set(key, [...(windows.get(key) ?? []), latency(c)]);
    }
    const stepped = [...windows]
      .sort(([a], [b]) => a - b)
      .find(([, values]) => percentile(values, 50) >= baseP50 + LATENCY_MS);
    expect(stepped).toBeDefined();
    const startsAfterMs = (stepped?.[0] ?? Number.NaN) * 250;
    expect(startsAfterMs).toBeGreaterThanOrEqual(-250);
    expect(startsAfterMs).toBeLessThanOrEqual(1000);

    // The end-of-run summary's percentiles are a recomputation from the journal: exact
    // nearest-rank values, to the histogram's stated precision (never below the exact value
    // by more than 0.5 µs, never above it by more than 0.1% + 0.5 µs).
    const report = await reportFromJournal(result.journalPath);
    const summary = formatSummary(buildRunReport([report]), 'report.json');
    const exact = (values: number[], p: number) => percentile(values, p);
    const groups: [string, CallRecord[]][] = [
      ['total', calls],
      ...['baseline', 'latency'].map((name): [string, CallRecord[]] => [
        name,
        calls.filter((c) => c.phase === name),
      ]),
    ];
    for (const [name, group] of groups) {
      const stats = name === 'total' ? report.total : report.phases.find((p) => p.name === name);
      const values = group.map(latency);
      for (const p of [50, 90, 95, 99] as const) {
        const reported = stats?.latencyMs?.[`p${p}`] ?? Number.NaN;
        const truth = exact(values, p);
        expect(reported, `${name} p${p}`).toBeGreaterThanOrEqual(truth - 0.0005);
        expect(reported, `${name} p${p}`).toBeLessThanOrEqual(truth * 1.001 + 0.0005);
      }
      expect(stats?.calls).toBe(group.length);
    }
    const total = report.total.latencyMs;
    expect(summary).toContain(`p(95)=${duration(total?.p95 ?? Number.NaN)}`);
    expect(summary).toContain(`med=${duration(total?.p50 ?? Number.NaN)}`);
    expect(summary).toContain(`max=${duration(Math.max(...calls.map(latency)))}`);
  });
});
