// Verdicts say whose fault it was. When the harness cannot establish its conditions (here:
// no toxiproxy-server) the verdict is inconclusive — never a pass and never a fail pinned on
// the target. A target that never becomes ready (here: its own start-up error) fails: that is
// a finding about the target. Either way the reason reaches the reader, in a journal that still
// holds a header and the verdict.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readJournal, referenceTarget, runScenario } from '../harness/index.ts';
import { databaseRestart } from '../scenarios/definitions/database-restart.ts';

let reportDir: string;
beforeEach(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-inconclusive-'));
});
afterEach(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

it('a harness that cannot establish its conditions makes the scenario inconclusive, with the reason', async () => {
  const saved = process.env.TOXIPROXY_SERVER;
  process.env.TOXIPROXY_SERVER = join(reportDir, 'no-such-toxiproxy-server');
  try {
    const result = await runScenario(databaseRestart, { runtime: 'local', reportDir });
    expect(result.status).toBe('inconclusive');
    expect(result.verdicts).toHaveLength(1);
    expect(result.verdicts[0]).toMatchObject({ check: 'harness', status: 'inconclusive' });
    expect(result.verdicts[0]?.summary).toContain('TOXIPROXY_SERVER');
    const journal = await readJournal(result.journalPath);
    expect(journal.map((r) => r.type)).toEqual(['header', 'verdict', 'end']);
  } finally {
    if (saved === undefined) delete process.env.TOXIPROXY_SERVER;
    else process.env.TOXIPROXY_SERVER = saved;
  }
});

it('a target that never becomes ready fails, with its own start-up error', async () => {
  const result = await runScenario(databaseRestart, {
    runtime: 'local',
    reportDir,
    target: referenceTarget({ env: { PG_POOL_MAX: 'lots' } }),
  });
  expect(result.status).toBe('fail');
  expect(result.verdicts).toHaveLength(1);
  expect(result.verdicts[0]).toMatchObject({ check: 'targetReady', status: 'fail' });
  expect(result.verdicts[0]?.summary).toMatch(/^the target never became ready: .*PG_POOL_MAX/s);
  const journal = await readJournal(result.journalPath);
  expect(journal.map((r) => r.type)).toEqual(['header', 'verdict', 'end']);
});
