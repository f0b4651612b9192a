// k6's abortOnFail, live: a threshold crossed mid-run stops the load and heals the faults at
// once, the scenario fails on the thresholds check, and the journal says why it ended early.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineScenario,
  Fault,
  noHangs,
  type RecordOf,
  runScenario,
  streamJournal,
} from '../harness/index.ts';

let reportDir: string;
beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-abort-'));
});
afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

describe('abort-on-fail thresholds', () => {
  it('stop a run as soon as latency crosses them, heal the fault, and fail the scenario', async () => {
    const definition = defineScenario({
      name: 'abort-on-latency',
      description: 'a 400 ms latency fault crosses an abort-on-fail p(90) threshold',
      workload: { rate: 20, mix: { lookup_customer: 1 }, callTimeout: '5s' },
      timeline: [
        { name: 'baseline', durationMs: 3_000 },
        { name: 'slow', durationMs: 30_000, faults: [Fault.latency('target→postgres', { latencyMs: 400 })] },
      ],
      expect: [noHangs({ maxMs: 5_000 })],
      thresholds: { call_duration: [{ threshold: 'p(90)<250', abortOnFail: true }] },
      probes: { interval: '1s', include: ['readyz'] },
    });
    const started = Date.now();
    const result = await runScenario(definition, { runtime: 'local', seed: 2, reportDir });
    const elapsed = Date.now() - started;
    expect(result.status).toBe('fail');
    expect(result.verdicts.find((v) => v.check === 'thresholds')?.status).toBe('fail');
    expect(result.verdicts.find((v) => v.check === 'noHangs')?.status).toBe('pass');
    // Stopped within seconds of the fault, not after the 33 s timeline (the environment's start
    // and stop take a few seconds on their own).
    expect(elapsed).toBeLessThan(25_000);
    let end: RecordOf<'end'> | undefined;
    const faults: RecordOf<'fault'>[] = [];
    for await (const record of streamJournal(result.journalPath)) {
      if (record.type === 'end') end = record;
      if (record.type === 'fault') faults.push(record);
    }
    expect(end?.reason).toMatch(/^aborted: threshold crossed: call_duration/);
    expect(faults.map((f) => f.event)).toEqual(['injecting', 'inject', 'healing', 'heal']);
  }, 120_000);
});
