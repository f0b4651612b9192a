import type { RunReport, ScenarioReport } from './schema.ts';

/**
 * How a scenario is named in every format: its name, and its target's when the run holds the
 * same scenario more than once (a self-test runs one scenario on the good build and on each defect).
 */
export function scenarioLabel(scenario: ScenarioReport, run: Pick<RunReport, 'scenarios'>): string {
  const repeated = run.scenarios.filter((s) => s.scenario === scenario.scenario).length > 1;
  return repeated && scenario.target !== undefined
    ? `${scenario.scenario} [${scenario.target}]`
    : scenario.scenario;
}
