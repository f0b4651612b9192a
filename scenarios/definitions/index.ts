import type { ScenarioDefinition } from '../../harness/index.ts';
import { databaseRestart } from './database-restart.ts';

/** Every built-in scenario, in the order the suite runs them (the benchmark reads their rates). */
export const builtInScenarios: readonly ScenarioDefinition[] = [databaseRestart];
