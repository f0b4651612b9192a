export {
  baselinePhases,
  defineScenario,
  type ScenarioDefinition,
  timelineMs,
  validateScenario,
} from './define.ts';
export { Expect, Phase, Workload } from './dsl.ts';
export {
  applyProfile,
  PROFILE_NAMES,
  PROFILES,
  type ProfileName,
  type ProfileScale,
  parseProfile,
} from './profile.ts';
export { type RunOptions, runScenario, type ScenarioResult } from './runner.ts';
export { ScenarioFailed, ScenarioInconclusive, scenario, suiteOptions } from './vitest.ts';
