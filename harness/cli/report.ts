import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exitCode, overallStatus } from '../checks/index.ts';
import type { ScenarioResult } from '../scenario/index.ts';
import { harnessVersion } from '../version.ts';

/** report.json for a whole run: every scenario's verdicts with evidence, the seed and versions. */
export async function writeRunReport(
  dir: string,
  run: { seed: number; startedAt: number; results: ScenarioResult[] },
): Promise<{ exitCode: number; summary: string }> {
  const verdicts = run.results.flatMap((r) => r.verdicts);
  const status = run.results.length === 0 ? 'inconclusive' : overallStatus(verdicts);
  const code = run.results.length === 0 ? 2 : exitCode(verdicts);
  const report = {
    seed: run.seed,
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: new Date().toISOString(),
    versions: { harness: harnessVersion(), node: process.version },
    status,
    exitCode: code,
    scenarios: run.results,
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const lines = run.results.map(
    (r) =>
      `  ${r.status.toUpperCase().padEnd(12)} ${r.scenario} on ${r.runtime} (${(r.durationMs / 1000).toFixed(1)} s)\n` +
      r.verdicts.map((v) => `      ${v.status.padEnd(12)} ${v.check}: ${v.summary}`).join('\n'),
  );
  return { exitCode: code, summary: `mcp-chaos: ${status} (seed ${run.seed})\n${lines.join('\n')}` };
}
