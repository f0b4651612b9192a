import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';
import type { ScenarioResult } from '../scenario/index.ts';
import { writeRunReport } from './report.ts';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * `mcp-chaos run`: the built-in suite through vitest's Node API (the scenarios are vitest
 * tests), then report.json over every scenario's result. Exit code 1 on any fail, else 2 on
 * any inconclusive, else 0.
 */
export async function run(options: {
  runtime: string;
  seed: number;
  reportDir: string;
  scenario?: string;
}): Promise<number> {
  const reportDir = resolve(options.reportDir);
  process.env.MCP_CHAOS_RUNTIME = options.runtime;
  process.env.MCP_CHAOS_SEED = String(options.seed);
  process.env.MCP_CHAOS_REPORT_DIR = reportDir;
  const startedAt = Date.now();
  const vitest = await startVitest('test', options.scenario ? [options.scenario] : [], {
    root: projectRoot,
    project: ['scenarios'],
    run: true,
    watch: false,
    reporters: ['default'],
  });
  // Ctrl-C: let vitest cancel; each scenario's finally heals faults and stops its environment.
  const cancel = () => void vitest.cancelCurrentRun('keyboard-input');
  process.once('SIGINT', cancel);
  try {
    const files = vitest.state.getFiles();
    const names = files.flatMap((file) => (file.tasks ?? []).map((task) => task.name));
    const results: ScenarioResult[] = [];
    for (const name of names) {
      try {
        results.push(JSON.parse(await readFile(join(reportDir, name, 'result.json'), 'utf8')) as ScenarioResult);
      } catch {
        // A scenario that crashed before writing its result still counts: inconclusive.
        results.push(crashed(name, options));
      }
    }
    const report = await writeRunReport(reportDir, { seed: options.seed, startedAt, results });
    process.stderr.write(`\n${report.summary}\nreport: ${join(reportDir, 'report.json')}\n`);
    if (names.length === 0) {
      process.stderr.write('no scenario ran: check --scenario or the scenarios/ folder\n');
      return 2;
    }
    return report.exitCode;
  } finally {
    process.off('SIGINT', cancel);
    await vitest.close();
  }
}

function crashed(name: string, options: { runtime: string; seed: number }): ScenarioResult {
  return {
    scenario: name,
    description: '',
    target: 'unknown',
    runtime: options.runtime === 'containers' ? 'containers' : 'local',
    seed: options.seed,
    status: 'inconclusive',
    verdicts: [
      {
        check: 'harness',
        status: 'inconclusive',
        summary: 'the scenario ended without a result (see the test output above)',
        evidence: [],
        evidenceTotal: 0,
      },
    ],
    journalPath: '',
    workload: { scheduled: 0, started: 0, dropped: 0, sequenceDigest: '' },
    durationMs: 0,
  };
}
