// When the harness cannot establish its conditions the verdict is inconclusive — never a pass
// and never a fail pinned on the target — and the reason (here: the target's own start-up error)
// reaches the reader, with a journal that still holds a header and the verdict.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { readJournal, referenceTarget, runScenario } from '../harness/index.ts';
import { databaseRestart } from '../scenarios/definitions/database-restart.ts';

it('a target that cannot start makes the scenario inconclusive, with its reason', async () => {
  const reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-inconclusive-'));
  try {
    const result = await runScenario(databaseRestart, {
      runtime: 'local',
      reportDir,
      target: referenceTarget({ env: { PG_POOL_MAX: 'lots' } }),
    });
    expect(result.status).toBe('inconclusive');
    expect(result.verdicts).toHaveLength(1);
    expect(result.verdicts[0]).toMatchObject({ check: 'harness', status: 'inconclusive' });
    expect(result.verdicts[0]?.summary).toContain('PG_POOL_MAX');
    const journal = await readJournal(result.journalPath);
    expect(journal.map((r) => r.type)).toEqual(['header', 'verdict', 'end']);
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
});
