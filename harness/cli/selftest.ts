import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessError } from '../errors.ts';
import type { RuntimeChoice } from '../runtime/select.ts';
import { formatSelfTest, runSelfTests, type SelfTestCase } from '../selftest/index.ts';
import { referenceTarget } from '../target/definition.ts';
import { defaultConcurrency } from './args.ts';
import { ProgressDisplay, progressMode } from './progress/display.ts';
import { renderReport } from './report.ts';
import { useColor } from './summary.ts';

const projectRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The detection table of the built-in suite (scenarios/selftest.ts): the suite, not the harness, knows it. */
export async function builtInSelfTests(): Promise<readonly SelfTestCase[]> {
  const module = (await import(join(projectRoot, 'scenarios', 'selftest.ts'))) as {
    selfTests: readonly SelfTestCase[];
  };
  return module.selfTests;
}

/** `mcp-chaos selftest [DEFECT…]`: the detection table, printed; exit code as in SelfTestReport. */
export async function selftest(options: {
  runtime: string;
  seed: number;
  reportDir: string;
  defects: string[];
  concurrency?: number | undefined;
  quiet?: boolean | undefined;
  progress?: boolean | undefined;
}): Promise<number> {
  const all = await builtInSelfTests();
  const unknown = options.defects.filter((d) => !all.some((c) => c.defect === d));
  if (unknown.length > 0) {
    throw new HarnessError(
      'INVALID_ARGUMENT',
      `no self-test for defect ${unknown.join(', ')}: use ${all.map((c) => c.defect).join(', ')}`,
    );
  }
  const cases = options.defects.length > 0 ? all.filter((c) => options.defects.includes(c.defect)) : all;
  const reportDir = resolve(options.reportDir);
  await mkdir(reportDir, { recursive: true });
  // The runs' progress as for `run`: a live status on a terminal, milestones in a log.
  const display = new ProgressDisplay(process.stderr, progressMode(options, process.stderr), {
    color: useColor(process.stderr),
  }).start();
  // First Ctrl-C: the running scenario heals and stops; the table is still printed.
  const cancel = new AbortController();
  const interrupt = () => {
    if (cancel.signal.aborted) process.exit(130);
    display.line('mcp-chaos: cancelling the self-test (Ctrl-C again to quit now)');
    cancel.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const report = await runSelfTests(cases, {
      runtime: options.runtime as RuntimeChoice,
      seed: options.seed,
      reportDir,
      goodTarget: referenceTarget(),
      signal: cancel.signal,
      concurrency: options.concurrency ?? defaultConcurrency('quick', availableParallelism()),
      // The self-test's own milestones (which defect, caught or not): shown unless --quiet.
      progress: (line) => {
        if (display.mode !== 'quiet') display.line(`[mcp-chaos] ${line}`);
      },
      onEvent: (event) => display.event(event),
    });
    display.stop();
    process.stdout.write(`\n${formatSelfTest(report)}\n`);
    // The table in every report format too, beside the runs' journals it was judged from.
    const rendered = await renderReport(reportDir).catch((error: unknown) => {
      process.stderr.write(
        `mcp-chaos: the self-test's report could not be written: ${(error as Error).message}\n`,
      );
      return undefined;
    });
    process.stdout.write(
      rendered
        ? `  (journals, selftest.json and the report in ${reportDir}: report.json, report.html, junit.xml, summary.md)\n`
        : `  (journals and selftest.json in ${reportDir})\n`,
    );
    return report.exitCode;
  } finally {
    display.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
