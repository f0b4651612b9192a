import { parseArgs } from 'node:util';
import { z } from 'zod';
import { HarnessError } from '../errors.ts';

export const USAGE = `mcp-chaos — chaos and resilience testing for MCP servers

Usage:
  mcp-chaos run [SCENARIO|FILE…] [--runtime auto|local|containers] [--profile quick|nightly|soak]
                [--seed N] [--grep PATTERN] [--report-dir DIR] [--concurrency N] [--quiet|--progress]
                [--baseline DIR|REPORT.json [--tolerance P]]
      Run the built-in scenario suite (or the scenarios named, or the *.scenario.ts files given)
      and write report.json, report.html, junit.xml, summary.md and the journals. --grep keeps the scenarios whose name matches.
      --concurrency: scenarios run at once, each in its own environment (default: 2 for the
      quick profile on a machine with 2+ cores, else 1; use 1 when timing must be undisturbed).
      Progress: on a terminal a live status line per scenario (phase, time left, calls/s,
      failed/s, active faults); elsewhere (CI logs) one line per milestone (scenario start,
      environment up, phase, fault inject/heal, end). --quiet: only the end summary;
      --progress: the live status even when stderr is not a terminal. NO_COLOR turns colour off.
      --baseline: compare with an earlier run (as \`report diff\` does) and show what got worse
      in every report file and the summary.
      Exit code: 0 all passed, 1 a scenario failed, 2 inconclusive (the harness could not
      establish the conditions). The verdicts alone decide it: a regression against the
      baseline does not (\`report diff\`'s exit code is that signal).
  mcp-chaos report DIR [--baseline DIR|REPORT.json [--tolerance P]]
      Render report.json, report.html, junit.xml and summary.md anew from the DIR/<scenario>/journal.jsonl
      files alone (DIR: a run's --report-dir), compared with --baseline when given (without it,
      no comparison is kept). Exit code as the run's: 0, 1 or 2, whatever the comparison says.
  mcp-chaos report diff OLD NEW [--tolerance P] [--json]
      Compare two runs (each a run's report directory or its report.json; a directory without
      report.json is rendered from its journals, nothing written): per scenario, verdicts and
      checks that got worse, recovery times and p95 latency per phase that grew beyond the
      tolerance, and what got better. --json prints the comparison as JSON.
      --tolerance P (e.g. 25%): how much a p95 or a recovery time may grow; default 25%, and a
      p95 must also grow by 50 ms, a recovery time by 500 ms, to count.
      Exit code: 1 a regression, 0 none, 64 an input is not a run's report.
  mcp-chaos list
      The built-in scenarios, the fault catalog and the checks, one line each.
  mcp-chaos selftest [DEFECT…] [--runtime auto|local|containers] [--seed N] [--report-dir DIR]
                     [--concurrency N] [--quiet|--progress]
      Run the scenarios against each deliberately broken build of the reference server and
      against the good build; print which check caught each defect. Exit code 0 only when every
      defect was caught by its check and the good build passed.
  mcp-chaos env up [--runtime auto|local|containers] [--seed N] [--json]
                   [--instances N] [--router] [--affinity]
      Start an environment and keep it up until Ctrl-C. With --json the first stdout line is
      one JSON object: runtime, mcpUrl, toxiproxyUrl, postgresUrl, links, identities, router,
      instances. --instances N runs N target instances behind the harness's router (--router
      puts it in front of a single one; --affinity keeps each MCP session on its instance).
  mcp-chaos env down [--sweep]
      Stop every environment \`env up\` keeps up on this machine (SIGTERM to its process, then a
      wait of up to 30 s while it tears down) and sweep what dead ones left. --sweep also sweeps
      every dead owner's processes, temp dirs, containers and networks. Exit code 0, also when
      nothing was up; 1 when one would not stop.
  mcp-chaos doctor [--json]
      What can run here and what is missing, with the exact fix for each, and a verdict per
      runtime. --json prints one JSON object instead. Exit code 0 when the local runtime can run.
  mcp-chaos --help
`;

const runtime = z.enum(['auto', 'local', 'containers'], {
  error: (issue) => `--runtime ${String(issue.input)} is not a runtime: use auto, local or containers`,
});
const seed = z.coerce.number({ error: () => '--seed must be an integer' }).int('--seed must be an integer');

const concurrency = z.coerce
  .number({ error: () => '--concurrency must be a whole number from 1 to 8' })
  .int('--concurrency must be a whole number from 1 to 8')
  .min(1, '--concurrency must be a whole number from 1 to 8')
  .max(8, '--concurrency must be a whole number from 1 to 8');

const profile = z.enum(['quick', 'nightly', 'soak'], {
  error: (issue) => `--profile ${String(issue.input)} is not a profile: use quick, nightly or soak`,
});
const grep = z
  .string()
  .refine((v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  }, '--grep is not a regular expression: escape special characters such as ( or [')
  .optional();

/** A percentage ("25%" or "25") as a ratio (0.25). */
const tolerance = z
  .string()
  .regex(/^\d+(\.\d+)?%?$/, '--tolerance must be a percentage such as 25%')
  .transform((v) => Number.parseFloat(v) / 100)
  .refine((v) => v <= 10, '--tolerance must be a percentage from 0% to 1000%')
  .optional();
const baseline = z.string().min(1, '--baseline needs a run directory or a report.json').optional();
/** --tolerance bounds the comparison with --baseline: alone it would silently do nothing. */
const toleranceNeedsBaseline = (o: { baseline?: string | undefined; tolerance?: number | undefined }) =>
  o.tolerance === undefined || o.baseline !== undefined;
const toleranceNeedsBaselineMessage =
  '--tolerance needs --baseline (or use `mcp-chaos report diff OLD NEW --tolerance P`)';

export const runArgs = z
  .object({
    runtime: runtime.default('auto'),
    profile: profile.default('quick'),
    seed: seed.default(1),
    reportDir: z.string().default('reports/latest'),
    /** Scenario names or *.scenario.ts files; none: the whole suite. */
    scenarios: z.array(z.string()).default([]),
    grep,
    /** Scenarios at once; undefined: the profile's default (see defaultConcurrency). */
    concurrency: concurrency.optional(),
    /** Only the end summary: no milestones, no live status. */
    quiet: z.boolean().default(false),
    /** The live status even when stderr is not a terminal. */
    progress: z.boolean().default(false),
    /** A run to compare with: a report directory or a report.json. */
    baseline,
    /** The comparison's growth ratio (p95 and recovery alike); undefined: DEFAULT_TOLERANCE. */
    tolerance,
  })
  .refine((o) => !(o.quiet && o.progress), '--quiet and --progress contradict each other: give one')
  .refine(toleranceNeedsBaseline, toleranceNeedsBaselineMessage);
export const selftestArgs = z
  .object({
    runtime: runtime.default('auto'),
    seed: seed.default(1),
    reportDir: z.string().default('reports/selftest'),
    /** Only these defects (default: all). */
    defects: z.array(z.string()).default([]),
    concurrency: concurrency.optional(),
    quiet: z.boolean().default(false),
    progress: z.boolean().default(false),
  })
  .refine((o) => !(o.quiet && o.progress), '--quiet and --progress contradict each other: give one');
export const envUpArgs = z.object({
  runtime: runtime.default('auto'),
  seed: seed.default(1),
  json: z.boolean(),
  instances: z.coerce
    .number({ message: '--instances must be a whole number from 1 to 16' })
    .int('--instances must be a whole number from 1 to 16')
    .min(1, '--instances must be a whole number from 1 to 16')
    .max(16, '--instances must be a whole number from 1 to 16')
    .default(1),
  router: z.boolean(),
  affinity: z.boolean(),
});

export const reportArgs = z
  .object({ dir: z.string().min(1), baseline, tolerance })
  .refine(toleranceNeedsBaseline, toleranceNeedsBaselineMessage);
export const reportDiffArgs = z.object({
  old: z.string().min(1),
  new: z.string().min(1),
  tolerance,
  json: z.boolean(),
});
export const envDownArgs = z.object({ sweep: z.boolean() });
export const doctorArgs = z.object({ json: z.boolean() });

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; options: z.infer<typeof runArgs> }
  | { kind: 'list' }
  | { kind: 'report'; options: z.infer<typeof reportArgs> }
  | { kind: 'report-diff'; options: z.infer<typeof reportDiffArgs> }
  | { kind: 'selftest'; options: z.infer<typeof selftestArgs> }
  | { kind: 'env-up'; options: z.infer<typeof envUpArgs> }
  | { kind: 'env-down'; options: z.infer<typeof envDownArgs> }
  | { kind: 'doctor'; options: z.infer<typeof doctorArgs> };

/** Parses the command line; bad input gets a HarnessError naming the flag and the fix. */
export function parseCommand(argv: string[]): Command {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        runtime: { type: 'string' },
        seed: { type: 'string' },
        'report-dir': { type: 'string' },
        scenario: { type: 'string', multiple: true },
        profile: { type: 'string' },
        grep: { type: 'string' },
        concurrency: { type: 'string' },
        baseline: { type: 'string' },
        tolerance: { type: 'string' },
        json: { type: 'boolean', default: false },
        sweep: { type: 'boolean', default: false },
        instances: { type: 'string' },
        router: { type: 'boolean', default: false },
        affinity: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new HarnessError('INVALID_ARGUMENT', `${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { kind: 'help' };
  const check = <T>(result: z.ZodSafeParseResult<T>): T => {
    if (!result.success) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `${result.error.issues.map((i) => i.message).join('\n')}\n\n${USAGE}`,
      );
    }
    return result.data;
  };
  const [verb, sub] = positionals;
  if (verb === 'run') {
    return {
      kind: 'run',
      options: check(
        runArgs.safeParse({
          runtime: values.runtime,
          profile: values.profile,
          seed: values.seed,
          reportDir: values['report-dir'],
          scenarios: [...positionals.slice(1), ...((values.scenario as string[] | undefined) ?? [])],
          grep: values.grep,
          concurrency: values.concurrency,
          quiet: values.quiet,
          progress: values.progress,
          baseline: values.baseline,
          tolerance: values.tolerance,
        }),
      ),
    };
  }
  if (verb === 'list' && positionals.length === 1) return { kind: 'list' };
  // `report diff OLD NEW`; a run directory named diff is still `report ./diff`.
  if (verb === 'report' && sub === 'diff') {
    if (positionals.length !== 4) {
      throw new HarnessError(
        'INVALID_ARGUMENT',
        `report diff needs two runs, OLD and NEW (each a report directory or a report.json)\n\n${USAGE}`,
      );
    }
    return {
      kind: 'report-diff',
      options: check(
        reportDiffArgs.safeParse({
          old: positionals[2],
          new: positionals[3],
          tolerance: values.tolerance,
          json: values.json,
        }),
      ),
    };
  }
  if (verb === 'report' && sub !== undefined && positionals.length === 2) {
    return {
      kind: 'report',
      options: check(
        reportArgs.safeParse({ dir: sub, baseline: values.baseline, tolerance: values.tolerance }),
      ),
    };
  }
  if (verb === 'selftest') {
    return {
      kind: 'selftest',
      options: check(
        selftestArgs.safeParse({
          runtime: values.runtime,
          seed: values.seed,
          reportDir: values['report-dir'],
          defects: positionals.slice(1),
          concurrency: values.concurrency,
          quiet: values.quiet,
          progress: values.progress,
        }),
      ),
    };
  }
  if (verb === 'env' && sub === 'up' && positionals.length === 2) {
    return {
      kind: 'env-up',
      options: check(
        envUpArgs.safeParse({
          runtime: values.runtime,
          seed: values.seed,
          json: values.json,
          instances: values.instances,
          router: values.router,
          affinity: values.affinity,
        }),
      ),
    };
  }
  if (verb === 'env' && sub === 'down' && positionals.length === 2) {
    return { kind: 'env-down', options: check(envDownArgs.safeParse({ sweep: values.sweep })) };
  }
  if (verb === 'doctor' && positionals.length === 1) {
    return { kind: 'doctor', options: check(doctorArgs.safeParse({ json: values.json })) };
  }
  throw new HarnessError('INVALID_ARGUMENT', `unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
}

/**
 * Scenarios run at once when --concurrency is not given: two for the quick profile (each
 * scenario's own load leaves most of a core idle; measured: the quick suite passes in 2 min 53 s
 * instead of 5 min 19 s on 2 cores), one for the longer profiles, whose spikes run at full size.
 */
export function defaultConcurrency(profile: 'quick' | 'nightly' | 'soak', cores: number): number {
  return profile === 'quick' ? Math.max(1, Math.min(2, cores)) : 1;
}
