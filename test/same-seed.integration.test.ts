// Reproducibility: three runs with the same seed plan the same call sequence (the journal
// header's digest), make it (the end record's digest), and reach the same verdicts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type JournalRecord, readJournal, runScenario } from '../harness/index.ts';
import { backendsTerminated } from '../scenarios/definitions/backends-terminated.ts';

let reportDir: string;
beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-seed-'));
});
afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

it('three runs with seed 11: identical verdicts and call-sequence hashes', async () => {
  const runs = [];
  for (const n of [1, 2, 3]) {
    const result = await runScenario(backendsTerminated, {
      runtime: 'local',
      seed: 11,
      reportDir: join(reportDir, `run-${n}`),
    });
    const journal = await readJournal(result.journalPath);
    const header = journal.find((r): r is Extract<JournalRecord, { type: 'header' }> => r.type === 'header');
    const end = journal.find((r): r is Extract<JournalRecord, { type: 'end' }> => r.type === 'end');
    runs.push({
      verdicts: result.verdicts.map((v) => `${v.check}:${v.status}`),
      planned: header?.config.callSequenceDigest,
      made: end?.callSequenceDigest,
      runId: header?.runId,
    });
  }
  const [first] = runs;
  expect(first?.planned).toMatch(/^[0-9a-f]{64}$/);
  expect(first?.made).toBe(first?.planned);
  expect(first?.verdicts.every((v) => v.endsWith(':pass'))).toBe(true);
  for (const run of runs.slice(1)) {
    expect({ verdicts: run.verdicts, planned: run.planned, made: run.made }).toEqual({
      verdicts: first?.verdicts,
      planned: first?.planned,
      made: first?.made,
    });
  }
  // Each run is its own: the run id (inside idempotency keys) differs, the sequence does not.
  expect(new Set(runs.map((r) => r.runId)).size).toBe(3);
}, 300_000);
