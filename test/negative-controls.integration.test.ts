// Negative controls: each check of the database-restart scenario is trusted only because a
// broken build of the reference server makes it fail. Defects are switched on by an explicit
// startup setting (DEFECT) and never by default.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ReferenceOptions,
  referenceTarget,
  runScenario,
  type ScenarioResult,
} from '../harness/index.ts';
import { databaseRestart } from '../scenarios/definitions/database-restart.ts';

let reportDir: string;
beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'mcp-chaos-negative-'));
});
afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true });
});

async function runAgainst(label: string, options: ReferenceOptions): Promise<Record<string, string>> {
  const result: ScenarioResult = await runScenario(databaseRestart, {
    runtime: 'local',
    seed: 7,
    reportDir: join(reportDir, label),
    target: referenceTarget(options),
  });
  return Object.fromEntries(result.verdicts.map((v) => [v.check, v.status]));
}

describe('database-restart against broken builds', () => {
  it('pool timeouts switched off: noHangs fails', async () => {
    const verdicts = await runAgainst('timeouts-off', { defect: 'pool-timeouts-off' });
    expect(verdicts.noHangs).toBe('fail');
    expect(verdicts.isolation).toBe('pass');
  });

  it('lookup_customer answers another customer of the same tenant: correctAnswers fails, isolation passes', async () => {
    const verdicts = await runAgainst('wrong-customer', { defect: 'wrong-customer-same-tenant' });
    expect(verdicts.correctAnswers).toBe('fail');
    expect(verdicts.isolation).toBe('pass');
  });

  it('errors carry the driver error and the failing SQL: gracefulErrors fails, the rest pass', async () => {
    const verdicts = await runAgainst('sql-in-errors', { defect: 'sql-in-errors' });
    expect(verdicts.gracefulErrors).toBe('fail');
    expect(verdicts.noHangs).toBe('pass');
    expect(verdicts.correctAnswers).toBe('pass');
  });

  it("lookup_customer answers another tenant's customer: isolation fails", async () => {
    const verdicts = await runAgainst('cross-tenant', { defect: 'cross-tenant-customer' });
    expect(verdicts.isolation).toBe('fail');
  });
});
