export {
  defineScenario,
  type Phase,
  type ScenarioDefinition,
  timelineMs,
  validateScenario,
} from './define.ts';
export { type RunOptions, runScenario, type ScenarioResult } from './runner.ts';
export { ScenarioFailed, ScenarioInconclusive, scenario, suiteOptions } from './vitest.ts';
