import { it } from 'vitest';
import { resolveWorkload } from '../load/index.ts';
import type { RuntimeChoice } from '../runtime/select.ts';
import { type ScenarioDefinition, timelineMs, validateScenario } from './define.ts';
import { applyProfile, type ProfileName, parseProfile } from './profile.ts';
import { encodeEvent } from './progress-events.ts';
import { type RunOptions, runScenario, type ScenarioResult } from './runner.ts';

/** A scenario that did not pass; `result` holds its verdicts and journal path. */
abstract class ScenarioError extends Error {
  readonly result: ScenarioResult;
  constructor(result: ScenarioResult, status: 'fail' | 'inconclusive') {
    super(describe(result, status));
    this.result = result;
  }
}

/** A scenario whose target missed its steady state or an expectation. */
export class ScenarioFailed extends ScenarioError {
  override readonly name = 'ScenarioFailed';
  constructor(result: ScenarioResult) {
    super(result, 'fail');
  }
}

/** A scenario whose conditions the harness could not establish: neither pass nor fail. */
export class ScenarioInconclusive extends ScenarioError {
  override readonly name = 'ScenarioInconclusive';
  constructor(result: ScenarioResult) {
    super(result, 'inconclusive');
  }
}

function describe(result: ScenarioResult, status: string): string {
  const lines = result.verdicts
    .filter((v) => v.status === status)
    .map((v) => {
      const ids = v.evidence
        .slice(0, 3)
        .map((e) => e.correlationId)
        .filter(Boolean)
        .join(', ');
      return `  ${v.check}: ${v.summary}${ids ? ` (e.g. ${ids})` : ''}`;
    });
  return `scenario ${result.scenario} is ${status} on ${result.runtime} (seed ${result.seed}):\n${lines.join('\n')}\n  journal: ${result.journalPath}`;
}

/** Options the CLI (or a CI job) passes to the scenario suite. */
export function suiteOptions(): {
  runtime: RuntimeChoice;
  seed: number;
  profile: ProfileName;
  reportDir: string;
} {
  const runtime = (process.env.MCP_CHAOS_RUNTIME ?? 'auto') as RuntimeChoice;
  if (!['auto', 'local', 'containers'].includes(runtime)) {
    throw new Error(`MCP_CHAOS_RUNTIME=${runtime} is not a runtime: use auto, local or containers`);
  }
  const seed = Number(process.env.MCP_CHAOS_SEED ?? 1);
  if (!Number.isInteger(seed))
    throw new Error(`MCP_CHAOS_SEED=${process.env.MCP_CHAOS_SEED} is not an integer`);
  const profile = parseProfile(process.env.MCP_CHAOS_PROFILE, 'MCP_CHAOS_PROFILE=');
  return { runtime, seed, profile, reportDir: process.env.MCP_CHAOS_REPORT_DIR ?? 'reports/latest' };
}

/**
 * How a scenario reports its progress: under `mcp-chaos run` (MCP_CHAOS_PROGRESS=events) as
 * structured events on the console, which vitest forwards to the CLI's reporter with the test's
 * id and the CLI renders; under plain `vitest` as text lines on stderr.
 */
function progressChannel(): Pick<RunOptions, 'progress' | 'onEvent'> {
  if (process.env.MCP_CHAOS_PROGRESS === 'events') {
    // biome-ignore lint/suspicious/noConsole: vitest forwards the console to the CLI's reporter: the channel
    return { onEvent: (event) => console.log(encodeEvent(event)) };
  }
  return { progress: (line) => process.stderr.write(`[mcp-chaos] ${line}\n`) };
}

/** Budget for environment start, connection and teardown on top of the timeline. */
const SETUP_BUDGET_MS = 240_000;

/**
 * Registers a scenario as a vitest test: pass passes, fail and inconclusive are distinct errors
 * (never a skip). The test's timeout is derived from the timeline.
 */
export function scenario(definition: ScenarioDefinition): ScenarioDefinition {
  validateScenario(definition);
  const played = applyProfile(definition, suiteOptions().profile);
  const timeoutMs =
    timelineMs(played) + resolveWorkload(played.workload, timelineMs(played)).callTimeoutMs + SETUP_BUDGET_MS;
  it(
    definition.name,
    async ({ signal }) => {
      // A Ctrl-C that reaches this worker directly must not kill it before the environment is
      // stopped and every fault healed: turn it into a cancellation, as vitest's own is.
      const interrupted = new AbortController();
      const interrupt = () => interrupted.abort();
      process.on('SIGINT', interrupt);
      process.on('SIGTERM', interrupt);
      try {
        const result = await runScenario(definition, {
          ...suiteOptions(),
          signal: AbortSignal.any([signal, interrupted.signal]),
          ...progressChannel(),
        });
        if (result.status === 'fail') throw new ScenarioFailed(result);
        if (result.status === 'inconclusive') throw new ScenarioInconclusive(result);
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
      }
    },
    timeoutMs,
  );
  return definition;
}
