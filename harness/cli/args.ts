import { parseArgs } from 'node:util';
import { z } from 'zod';
import { HarnessError } from '../errors.ts';

export const USAGE = `mcp-chaos — chaos and resilience testing for MCP servers

Usage:
  mcp-chaos run [--runtime auto|local|containers] [--seed N] [--report-dir DIR] [--scenario NAME]
      Run the built-in scenario suite and write report.json and the journals.
      Exit code: 0 all passed, 1 a scenario failed, 2 inconclusive (the harness could not
      establish the conditions).
  mcp-chaos env up [--runtime auto|local|containers] [--seed N] [--json]
      Start an environment and keep it up until Ctrl-C. With --json the first stdout line is
      one JSON object: runtime, mcpUrl, toxiproxyUrl, postgresUrl, links, identities.
  mcp-chaos --help
`;

const runtime = z.enum(['auto', 'local', 'containers'], {
  error: (issue) => `--runtime ${String(issue.input)} is not a runtime: use auto, local or containers`,
});
const seed = z.coerce.number({ error: () => '--seed must be an integer' }).int('--seed must be an integer');

export const runArgs = z.object({
  runtime: runtime.default('auto'),
  seed: seed.default(1),
  reportDir: z.string().default('reports/latest'),
  scenario: z.string().optional(),
});
export const envUpArgs = z.object({
  runtime: runtime.default('auto'),
  seed: seed.default(1),
  json: z.boolean(),
});

export type Command =
  | { kind: 'help' }
  | { kind: 'run'; options: z.infer<typeof runArgs> }
  | { kind: 'env-up'; options: z.infer<typeof envUpArgs> };

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
        scenario: { type: 'string' },
        json: { type: 'boolean', default: false },
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
  if (verb === 'run' && positionals.length === 1) {
    return {
      kind: 'run',
      options: check(
        runArgs.safeParse({
          runtime: values.runtime,
          seed: values.seed,
          reportDir: values['report-dir'],
          scenario: values.scenario,
        }),
      ),
    };
  }
  if (verb === 'env' && sub === 'up' && positionals.length === 2) {
    return {
      kind: 'env-up',
      options: check(envUpArgs.safeParse({ runtime: values.runtime, seed: values.seed, json: values.json })),
    };
  }
  throw new HarnessError('INVALID_ARGUMENT', `unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
}
