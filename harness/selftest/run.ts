import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeChoice } from '../runtime/select.ts';
import {
  type RunOptions,
  runScenario,
  type ScenarioDefinition,
  type ScenarioResult,
} from '../scenario/index.ts';
import type { ProgressEvent } from '../scenario/progress-events.ts';
import type { TargetDefinition } from '../target/definition.ts';
import type { DefectResult, GoodBuildResult, SelfTestCase, SelfTestReport } from './types.ts';

export interface SelfTestOptions {
  runtime?: RuntimeChoice;
  seed?: number;
  /** Journals go to `<reportDir>/<defect>/<scenario>/` and `<reportDir>/good/<scenario>/`; selftest.json beside them. */
  reportDir: string;
  /** The build every scenario of the table must pass on. */
  goodTarget: TargetDefinition;
  progress?: (line: string) => void;
  /**
   * The scenarios' progress as events (see RunOptions.onEvent), each run's named
   * `<defect>/<scenario>` or `good/<scenario>` (one scenario may run against two builds at once).
   * Given, the scenarios' own text progress is left out of `progress`.
   */
  onEvent?: RunOptions['onEvent'];
  signal?: AbortSignal;
  /** Runs at once, each in its own environment (default 1). The table keeps its order. */
  concurrency?: number;
}

/**
 * `work` over `items`: those `alone` says need the machine to themselves first, one at a time,
 * then the others at most `limit` at a time; results in the items' order.
 */
async function inTwoPasses<T, R>(
  items: readonly T[],
  alone: (item: T) => boolean,
  limit: number,
  work: (item: T, index: number) => Promise<R | undefined>,
): Promise<R[]> {
  const results = new Map<number, R>();
  const indexed = items.map((item, index) => ({ item, index }));
  const run = async (list: typeof indexed, n: number) => {
    await mapLimited(list, n, async ({ item, index }) => {
      const result = await work(item, index);
      if (result !== undefined) results.set(index, result);
      return result;
    });
  };
  await run(
    indexed.filter((x) => alone(x.item)),
    1,
  );
  await run(
    indexed.filter((x) => !alone(x.item)),
    limit,
  );
  return indexed.flatMap(({ index }) => (results.has(index) ? [results.get(index) as R] : []));
}

/** `work` over `items`, at most `limit` at a time, results in the items' order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R | undefined>,
): Promise<R[]> {
  const results: (R | undefined)[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results.filter((r): r is R => r !== undefined);
}

/** The detection row of one defect run: caught when its named check failed with evidence. */
export function judgeDefect(testCase: SelfTestCase, result: ScenarioResult): DefectResult {
  const named = result.verdicts.find((v) => v.check === testCase.check);
  return {
    defect: testCase.defect,
    scenario: result.scenario,
    check: testCase.check,
    caught: named?.status === 'fail' && named.evidenceTotal > 0,
    status: named?.status ?? 'missing',
    summary: named?.summary ?? result.verdicts.map((v) => `${v.check}: ${v.summary}`).join('; '),
    evidence: named?.evidence ?? [],
    failedChecks: result.verdicts.filter((v) => v.status === 'fail').map((v) => v.check),
    journalPath: result.journalPath,
  };
}

export function judgeGoodBuild(result: ScenarioResult): GoodBuildResult {
  return {
    scenario: result.scenario,
    status: result.status,
    notPassed: result.verdicts
      .filter((v) => v.status !== 'pass')
      .map((v) => ({ check: v.check, status: v.status, summary: v.summary })),
    journalPath: result.journalPath,
  };
}

/**
 * 1 when a defect escaped (its check passed) or the good build failed; 2 when nothing escaped
 * but something could not be judged (a run inconclusive, the named check missing); else 0.
 */
export function selfTestExitCode(defects: DefectResult[], good: GoodBuildResult[]): 0 | 1 | 2 {
  const escaped = defects.some((d) => d.status === 'pass' || (d.status === 'fail' && !d.caught));
  if (escaped || good.some((g) => g.status === 'fail')) return 1;
  if (defects.some((d) => !d.caught) || good.some((g) => g.status !== 'pass')) return 2;
  return 0;
}

/**
 * A scenario's event under its self-test run's name, `<prefix>/<scenario>` (one scenario may run
 * against two builds at once); a note that names its scenario at its start names the run.
 */
export function runEvent(prefix: string, event: ProgressEvent): ProgressEvent {
  const scenario = `${prefix}/${event.scenario}`;
  if (event.type === 'log' && event.message.startsWith(`${event.scenario}:`)) {
    return { ...event, scenario, message: `${scenario}${event.message.slice(event.scenario.length)}` };
  }
  return { ...event, scenario };
}

/**
 * Runs each defect's scenario against its broken build, then every scenario of the table
 * against the good build, `concurrency` environments at a time (default one); writes selftest.json. A self-test
 * measures the harness, not the target: its report stands apart from scenario verdicts.
 */
export async function runSelfTests(
  cases: readonly SelfTestCase[],
  options: SelfTestOptions,
): Promise<SelfTestReport> {
  const progress = options.progress ?? (() => {});
  const common = {
    ...(options.runtime ? { runtime: options.runtime } : {}),
    seed: options.seed ?? 1,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? {} : { progress }),
  };
  const onEvent = options.onEvent;
  const events = (prefix: string): Pick<RunOptions, 'onEvent'> =>
    onEvent ? { onEvent: (event) => onEvent(runEvent(prefix, event)) } : {};
  const concurrency = options.concurrency ?? 1;
  const defects = await inTwoPasses(
    cases,
    (c) => c.scenario.exclusive === true,
    concurrency,
    async (testCase, i) => {
      if (options.signal?.aborted) return undefined;
      progress(
        `selftest ${i + 1}/${cases.length}: ${testCase.scenario.name} against defect ${testCase.defect}`,
      );
      const result = await runScenario(testCase.scenario, {
        ...common,
        target: testCase.target,
        reportDir: join(options.reportDir, testCase.defect),
        ...events(testCase.defect),
      });
      const row = judgeDefect(testCase, result);
      progress(
        `selftest: ${row.defect}: ${row.caught ? `caught by ${row.check}` : `NOT caught (${row.check} ${row.status})`}`,
      );
      return row;
    },
  );
  const scenarios = new Map<string, ScenarioDefinition>();
  for (const c of cases) scenarios.set(c.scenario.name, c.scenario);
  const goodBuild = await inTwoPasses(
    [...scenarios.values()],
    (s) => s.exclusive === true,
    concurrency,
    async (scenario) => {
      if (options.signal?.aborted) return undefined;
      progress(`selftest: ${scenario.name} against the good build`);
      const result = await runScenario(scenario, {
        ...common,
        target: options.goodTarget,
        reportDir: join(options.reportDir, 'good'),
        ...events('good'),
      });
      return judgeGoodBuild(result);
    },
  );
  const report: SelfTestReport = {
    runtime: options.runtime ?? 'auto',
    seed: common.seed,
    defects,
    goodBuild,
    exitCode: options.signal?.aborted ? 2 : selfTestExitCode(defects, goodBuild),
  };
  await writeFile(join(options.reportDir, 'selftest.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
