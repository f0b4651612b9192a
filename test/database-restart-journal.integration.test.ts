// The database-restart scenario passes on every runtime, and its journal shows the restart:
// calls fail or slow down while the database is away, and succeed once it is back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JournalRecord, readJournal, runScenario } from '../harness/index.ts';
import { databaseRestart } from '../scenarios/definitions/database-restart.ts';
import { testRuntimes } from './support/runtimes.ts';

type Call = Extract<JournalRecord, { type: 'call' }>;
type FaultEvent = Extract<JournalRecord, { type: 'fault' }>;

let reportDir: string;
beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-journal-'));
});
afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

function p95(calls: Call[]): number {
  const latencies = calls.map((c) => c.end - c.intendedStart).sort((a, b) => a - b);
  return latencies[Math.floor(latencies.length * 0.95)] ?? 0;
}

describe.each(testRuntimes())('database-restart on %s', (runtime) => {
  it('passes, and its journal shows calls failing or slowing during the restart and succeeding after', async () => {
    const result = await runScenario(databaseRestart, {
      runtime,
      seed: 11,
      reportDir: join(reportDir, runtime),
    });
    expect(result.verdicts.map((v) => `${v.check}: ${v.status} — ${v.summary}`)).toEqual(
      result.verdicts.map((v) => `${v.check}: pass — ${v.summary}`),
    );
    expect(result.runtime).toBe(runtime);

    const records = await readJournal(result.journalPath);
    const calls = records.filter((r): r is Call => r.type === 'call');
    const inPhase = (name: string) => calls.filter((c) => c.phase === name);
    const faults = records.filter((r): r is FaultEvent => r.type === 'fault');
    const heal = faults.filter((r) => r.event === 'heal').at(-1);
    expect(heal).toBeDefined();

    const baseline = inPhase('baseline');
    const restart = inPhase('restart');
    const firstInject = faults.find((r) => r.event === 'inject');
    expect(baseline.length).toBeGreaterThan(50);
    // Before the fault, everything works (a call still in flight when it struck may not).
    const beforeFault = baseline.filter((c) => firstInject && c.end < firstInject.at);
    expect(beforeFault.length).toBeGreaterThan(50);
    expect(beforeFault.filter((c) => c.outcome !== 'ok').map((c) => `${c.correlationId} ${c.code}`)).toEqual(
      [],
    );
    // During the restart: calls fail (fast, with the target's stable code) or slow down.
    const failed = restart.filter((c) => c.outcome !== 'ok');
    expect(failed.length > restart.length / 4 || p95(restart) > 5 * p95(baseline)).toBe(true);
    expect(failed.every((c) => c.outcome === 'error' && typeof c.code === 'string')).toBe(true);
    // After it: from two seconds past the last heal, every call succeeds.
    const settled = calls.filter((c) => heal && c.intendedStart > heal.at + 2000);
    expect(settled.length).toBeGreaterThan(50);
    expect(settled.filter((c) => c.outcome !== 'ok').map((c) => `${c.correlationId} ${c.code}`)).toEqual([]);
    // The target contract: every answer echoes its correlation id and the build id.
    const answered = calls.filter((c) => c.outcome === 'ok' || c.outcome === 'error');
    expect(
      answered.every((c) => c.echoedCorrelationId === c.correlationId && c.buildId === 'reference-dev'),
    ).toBe(true);
  });
});
