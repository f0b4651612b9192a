// Worker threads: the main stream's schedule split over threads, every record back in the
// journal of the calling thread, phases followed, the in-process summary's bookkeeping kept.
import { describe, expect, it } from 'vitest';
import { startNullResponder } from '../bench/null-responder.ts';
import { generateDataset, type JournalRecord, type RecordOf } from '../harness/index.ts';
import { plannedSequenceDigest, resolveWorkload, runWorkload } from '../harness/load/index.ts';

describe('load worker threads', () => {
  it('two threads make the whole schedule between them and send every record home', async () => {
    const responder = await startNullResponder();
    try {
      const dataset = generateDataset(1);
      const identities = dataset.tenants.map((t) => ({ tenant: t.id, role: 'agent' as const, token: 't' }));
      const workload = resolveWorkload({ rate: 200, workers: 2, mix: { lookup_customer: 1 } }, 2000);
      const records: JournalRecord[] = [];
      let phase = 'first';
      let switchPhase: NodeJS.Timeout | undefined;
      const append = (r: JournalRecord) => {
        records.push(r);
        // A second into the schedule (threads take a while to start and connect).
        if (r.type !== 'call') return;
        switchPhase ??= setTimeout(
          () => {
            phase = 'second';
          },
          1000 - (performance.timeOrigin + performance.now() - r.intendedStart),
        );
      };
      const summary = await runWorkload(
        workload,
        2000,
        { runId: 'wk', seed: 1, dataset, sessions: [], append, phase: () => phase },
        undefined,
        { mcpUrl: responder.url, identities },
      );
      clearTimeout(switchPhase);
      const calls = records.filter((r): r is RecordOf<'call'> => r.type === 'call');
      expect(calls).toHaveLength(400);
      expect(summary).toMatchObject({ scheduled: 400, started: 400, dropped: 0 });
      expect(plannedSequenceDigest(workload, { seed: 1, runId: 'other', dataset, identities })).toBe(
        summary.sequenceDigest,
      );
      expect(new Set(calls.map((c) => c.correlationId)).size).toBe(400);
      expect(calls.filter((c) => c.correlationId.startsWith('wk-w0-'))).toHaveLength(200);
      expect(calls.filter((c) => c.correlationId.startsWith('wk-w1-'))).toHaveLength(200);
      expect(calls.every((c) => c.outcome === 'ok' && c.echoedCorrelationId === c.correlationId)).toBe(true);
      // Phases reach the threads: calls intended well after the switch carry the new one.
      const t0 = Math.min(...calls.map((c) => c.intendedStart));
      expect(calls.filter((c) => c.intendedStart - t0 > 1200).every((c) => c.phase === 'second')).toBe(true);
      expect(calls.filter((c) => c.intendedStart - t0 < 800).every((c) => c.phase === 'first')).toBe(true);
      expect(records.some((r) => r.type === 'lag')).toBe(true);
    } finally {
      await responder.close();
    }
  });

  it("fails with the thread's reason when a thread cannot connect", async () => {
    const dataset = generateDataset(1);
    const workload = resolveWorkload({ rate: 10, workers: 2 }, 500);
    await expect(
      runWorkload(
        workload,
        500,
        { runId: 'wk', seed: 1, dataset, sessions: [], append: () => undefined, phase: () => undefined },
        undefined,
        {
          mcpUrl: 'http://127.0.0.1:9/mcp',
          identities: [{ tenant: dataset.tenants[0]?.id ?? '', role: 'agent', token: 't' }],
        },
      ),
    ).rejects.toThrow(/load worker \d failed: .*(ECONNREFUSED|connect)/);
  });
});
