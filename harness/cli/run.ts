import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVitest } from 'vitest/node';
import { HarnessError } from '../errors.ts';
import {
  loadRunReport,
  reportFromJournal,
  type ScenarioReport,
  toleranceWithRatio,
  writeReport,
} from '../report/index.ts';
import { defaultConcurrency } from './args.ts';
import { childPids } from './children.ts';
import { ProgressDisplay, progressMode } from './progress/display.ts';
import { displayStream, ProgressReporter } from './progress/reporter.ts';
import { byScenario } from './report.ts';
import { reportFiles } from './report-files.ts';
import { formatSummary, useColor } from './summary.ts';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * `mcp-chaos run`: the built-in suite through vitest's Node API (the scenarios are vitest
 * tests), then report.json, report.html, junit.xml and summary.md re-derived from every scenario's journal. Exit code 1 on any fail,
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
  /** Only the end summary. */
  quiet?: boolean | undefined;
  /** The live status even when stderr is not a terminal. */
  progress?: boolean | undefined;
  baseline?: string | undefined;
  tolerance?: number | undefined;
}): Promise<number> {
  const reportDir = resolve(options.reportDir);
  // Before anything runs: a wrong baseline is named now, not after minutes of scenarios.
  const baseline =
    options.baseline === undefined
      ? undefined
      : {
          report: await loadRunReport(options.baseline),
          path: resolve(options.baseline),
          tolerance: toleranceWithRatio(options.tolerance),
        };
  const { files, testNamePattern } = await selection(options.scenarios, options.grep);
  process.env.MCP_CHAOS_RUNTIME = options.runtime;
  process.env.MCP_CHAOS_PROFILE = options.profile;
  process.env.MCP_CHAOS_SEED = String(options.seed);
  process.env.MCP_CHAOS_REPORT_DIR = reportDir;
  // The scenarios send structured progress events, which the display below renders.
  process.env.MCP_CHAOS_PROGRESS = 'events';
  const color = useColor(process.stderr);
  const display = new ProgressDisplay(process.stderr, progressMode(options, process.stderr), {
    color,
  }).start();
  // vitest's own output and the workers' stdout/stderr: through the display, line by line.
  const output = displayStream(display);
  // A worker's pipe may still deliver after the run's end (a late teardown message): dropped,
  // rather than an unhandled write-after-end error.
  output.on('error', () => {});
  const concurrency = options.concurrency ?? defaultConcurrency(options.profile, availableParallelism());
  const passes = await planPasses(files, concurrency);
  // Files empty: the whole suite. One scenario alone has nothing to run beside it.
  if (concurrency > 1 && passes.some((p) => p.concurrency > 1 && p.files.length !== 1)) {
    display.line(
      `mcp-chaos: ${concurrency} scenarios at a time, those that need the machine alone first (--concurrency 1 for one)`,
    );
  }
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
    display.line('mcp-chaos: cancelling: healing faults, stopping environments (Ctrl-C again to quit now)');
    for (const pid of childPids()) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already.
      }
    }
  };
  try {
    const names: string[] = [];
    for (const pass of passes) {
      if (interrupts > 0) break;
      // Read by vitest.config.ts (loaded anew by each createVitest): the scenarios project's workers.
      process.env.MCP_CHAOS_CONCURRENCY = String(pass.concurrency);
      const vitest = await createVitest(
        {
          root: projectRoot,
          project: ['scenarios'],
          run: true,
          watch: false,
          // Ours instead of vitest's: the scenarios' progress, and errors that are not verdicts.
          reporters: [new ProgressReporter(display)],
          ...(testNamePattern ? { testNamePattern } : {}),
        },
        {},
        { stdout: output, stderr: output },
      );
      // vitest's reporter exits the process on SIGINT/SIGTERM, which would kill the workers
      // before their clean-up: ours replace its handlers.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        for (const listener of process.listeners(signal)) process.off(signal, listener);
        process.on(signal, interrupt);
      }
      try {
        await vitest.start(pass.files);
        names.push(
          ...vitest.state
            .getFiles()
            .flatMap((file) => file.tasks.filter((task) => task.mode === 'run').map((task) => task.name)),
        );
      } finally {
        await vitest.close();
      }
    }
    display.stop();
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
    const { path, report } = await writeReport(
      reportDir,
      byScenario(reports),
      baseline
        ? { baseline: { report: baseline.report, path: baseline.path }, tolerance: baseline.tolerance }
        : {},
    );
    const files = await reportFiles(reportDir);
    process.stderr.write(`\n${formatSummary(report, path, { color, files })}\n`);
    if (missing.length > 0) {
      process.stderr.write(`mcp-chaos: ${missing.join(', ')} ended without a journal: inconclusive\n`);
      return report.exitCode === 1 ? 1 : 2;
    }
    return report.exitCode;
  } finally {
    display.stop();
    output.end();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

interface Pass {
  files: string[];
  concurrency: number;
}

/**
 * One vitest run, or two when scenarios run at once: first the built-in scenarios marked
 * `exclusive`, one at a time, then the others `concurrency` at a time. `files` empty means the
 * whole built-in suite (then listed here, to be split).
 */
export async function planPasses(files: string[], concurrency: number): Promise<Pass[]> {
  if (concurrency <= 1) return [{ files, concurrency: 1 }];
  const all = files.length > 0 ? files : await builtInFiles();
  const exclusive = new Set(
    (await builtInDefinitions())
      .filter((d) => d.exclusive)
      .map((d) => join(projectRoot, 'scenarios', `${d.name}.scenario.ts`)),
  );
  const alone = all.filter((f) => exclusive.has(resolve(f)));
  const rest = all.filter((f) => !exclusive.has(resolve(f)));
  return [
    ...(alone.length > 0 ? [{ files: alone, concurrency: 1 }] : []),
    ...(rest.length > 0 ? [{ files: rest, concurrency }] : []),
  ];
}

async function builtInFiles(): Promise<string[]> {
  const dir = join(projectRoot, 'scenarios');
  return (await readdir(dir)).filter((f) => f.endsWith('.scenario.ts')).map((f) => join(dir, f));
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

async function builtInDefinitions(): Promise<{ name: string; exclusive?: boolean }[]> {
  const module = (await import(join(projectRoot, 'scenarios', 'definitions', 'index.ts'))) as {
    builtInScenarios: { name: string; exclusive?: boolean }[];
  };
  return module.builtInScenarios;
}

async function builtInNames(): Promise<string[]> {
  return (await builtInDefinitions()).map((s) => s.name);
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
