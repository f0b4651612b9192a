import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import { reportFromJournal, type ScenarioReport, writeReport } from '../report/index.ts';
import { childPids } from './children.ts';
import { formatSummary, useColor } from './summary.ts';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * `mcp-chaos run`: the built-in suite through vitest's Node API (the scenarios are vitest
 * tests), then report.json re-derived from every scenario's journal. Exit code 1 on any fail,
 * else 2 on any inconclusive, else 0.
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
  const vitest = await createVitest({ root: projectRoot, project: ['scenarios'], run: true, watch: false });
  // First Ctrl-C: each scenario heals its faults, stops its environment and ends inconclusive,
  // and the report is still written; a second one exits at once (the next run sweeps whatever
  // is left). vitest's own cancellation is not used: it marks the running test skipped and kills
  // its worker without waiting for that clean-up. Instead the signal is passed on to the workers,
  // where each running scenario turns it into a cancellation (a terminal's Ctrl-C reaches them
  // anyway; `kill -INT <pid>` reaches only this process).
  let interrupts = 0;
  const interrupt = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      '\nmcp-chaos: cancelling: healing faults, stopping environments (Ctrl-C again to quit now)\n',
    );
    for (const pid of childPids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already.
      }
    }
  };
  // vitest's reporter exits the process on SIGINT/SIGTERM, which would kill the workers before
  // their clean-up: ours replace its handlers.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) process.off(signal, listener);
    process.on(signal, interrupt);
  }
  try {
    await vitest.start(options.scenario ? [options.scenario] : []);
    const names = vitest.state.getFiles().flatMap((file) => file.tasks.map((task) => task.name));
    if (names.length === 0) {
      process.stderr.write('mcp-chaos: no scenario ran: check --scenario or the scenarios/ folder\n');
      return 2;
    }
    const reports: ScenarioReport[] = [];
    const missing: string[] = [];
    for (const name of names) {
      const report = await scenarioReport(join(reportDir, name));
      if (report) reports.push(report);
      else missing.push(name);
    }
    if (reports.length === 0) {
      process.stderr.write(
        `mcp-chaos: no scenario left a journal (${missing.join(', ')}): see the output above\n`,
      );
      return 2;
    }
    const { path, report } = await writeReport(reportDir, reports);
    process.stderr.write(`\n${formatSummary(report, path, { color: useColor(process.stderr) })}\n`);
    if (missing.length > 0) {
      process.stderr.write(`mcp-chaos: ${missing.join(', ')} ended without a journal: inconclusive\n`);
      return report.exitCode === 1 ? 1 : 2;
    }
    return report.exitCode;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await vitest.close();
  }
}

/**
 * A scenario's report, re-derived from its journal and the verdicts recorded in it. The journal
 * streams through the report's fold, so a run of millions of calls is never held in memory.
 */
async function scenarioReport(dir: string): Promise<ScenarioReport | undefined> {
  let journalPath: string;
  try {
    journalPath = (JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as { journalPath: string })
      .journalPath;
  } catch {
    return undefined;
  }
  return reportFromJournal(journalPath, { journal: journalPath });
}
