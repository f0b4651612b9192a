import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import { HarnessError } from '../errors.ts';
import { reportFromJournal, type ScenarioReport, writeReport } from '../report/index.ts';
import { defaultConcurrency } from './args.ts';
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
  profile: 'quick' | 'nightly' | 'soak';
  seed: number;
  reportDir: string;
  scenarios: string[];
  grep?: string | undefined;
  concurrency?: number | undefined;
}): Promise<number> {
  const reportDir = resolve(options.reportDir);
  const { files, testNamePattern } = await selection(options.scenarios, options.grep);
  process.env.MCP_CHAOS_RUNTIME = options.runtime;
  process.env.MCP_CHAOS_PROFILE = options.profile;
  process.env.MCP_CHAOS_SEED = String(options.seed);
  process.env.MCP_CHAOS_REPORT_DIR = reportDir;
  const concurrency = options.concurrency ?? defaultConcurrency(options.profile, availableParallelism());
  // Read by vitest.config.ts: the scenarios project's workers.
  process.env.MCP_CHAOS_CONCURRENCY = String(concurrency);
  if (concurrency > 1 && files.length !== 1) {
    process.stderr.write(`mcp-chaos: ${concurrency} scenarios at a time (--concurrency 1 for one)\n`);
  }
  const vitest = await createVitest({
    root: projectRoot,
    project: ['scenarios'],
    run: true,
    watch: false,
    ...(testNamePattern ? { testNamePattern } : {}),
  });
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
    await vitest.start(files);
    const names = vitest.state
      .getFiles()
      .flatMap((file) => file.tasks.filter((task) => task.mode === 'run').map((task) => task.name));
    if (names.length === 0) {
      process.stderr.write(
        'mcp-chaos: no scenario matched: see `mcp-chaos list` for the names, or check --grep\n',
      );
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
 * Which scenarios to run: files as given (vitest filters by path), names of the built-in suite
 * (checked here, so a typo is named rather than running nothing), and --grep on top.
 */
async function selection(
  scenarios: readonly string[],
  grep: string | undefined,
): Promise<{ files: string[]; testNamePattern: RegExp | undefined }> {
  const files = scenarios.filter((s) => s.endsWith('.ts') || s.includes('/'));
  const names = scenarios.filter((s) => !files.includes(s));
  for (const file of files) {
    if (!existsSync(resolve(file))) {
      throw new HarnessError('INVALID_ARGUMENT', `${file}: no such scenario file`);
    }
  }
  if (names.length > 0) {
    const known = await builtInNames();
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length > 0) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `no built-in scenario is named ${unknown.join(', ')}: use one of ${known.join(', ')} (mcp-chaos list)`,
      );
    }
  }
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exact = names.length > 0 ? `^(?:${names.map(literal).join('|')})$` : undefined;
  const pattern = exact && grep ? `^(?=.*(?:${grep}))(?:${names.map(literal).join('|')})$` : (exact ?? grep);
  return {
    // Named built-in scenarios live in scenarios/<name>.scenario.ts: only those files are loaded.
    files: [
      ...files.map((f) => resolve(f)),
      ...names.map((n) => join(projectRoot, 'scenarios', `${n}.scenario.ts`)),
    ],
    testNamePattern: pattern === undefined ? undefined : new RegExp(pattern),
  };
}

async function builtInNames(): Promise<string[]> {
  const module = (await import(join(projectRoot, 'scenarios', 'definitions', 'index.ts'))) as {
    builtInScenarios: { name: string }[];
  };
  return module.builtInScenarios.map((s) => s.name);
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
