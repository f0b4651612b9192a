import type { ScenarioDefinition } from '../../harness/index.ts';
import { auditOutage } from './audit-outage.ts';
import { backendsTerminated } from './backends-terminated.ts';
import { backupRestore } from './backup-restore.ts';
import { blueGreenDeploy } from './blue-green-deploy.ts';
import { canaryDeploy } from './canary-deploy.ts';
import { compoundFault } from './compound-fault.ts';
import { connectionExhaustion } from './connection-exhaustion.ts';
import { databaseBlackhole } from './database-blackhole.ts';
import { databaseRestart } from './database-restart.ts';
import { databaseStopped } from './database-stopped.ts';
import { deployRollback } from './deploy-rollback.ts';
import { flagFlip } from './flag-flip.ts';
import { gracefulShutdown } from './graceful-shutdown.ts';
import { identityProvider } from './identity-provider.ts';
import { killOneOfThree } from './kill-one-of-three.ts';
import { loadSurge } from './load-surge.ts';
import { networkDegradation } from './network-degradation.ts';
import { noisyNeighbour } from './noisy-neighbour.ts';
import { postgresPause } from './postgres-pause.ts';
import { roleMix } from './role-mix.ts';
import { rollingRestart } from './rolling-restart.ts';
import { sessionChurn } from './session-churn.ts';
import { slowDatabase } from './slow-database.ts';
import { statefulKillOne } from './stateful-kill-one.ts';
import { statefulRestart } from './stateful-restart.ts';
import { steadyLoad } from './steady-load.ts';
import { targetCrash } from './target-crash.ts';
import { upstreamDegradation } from './upstream-degradation.ts';

/** Every built-in scenario, in the order the suite runs them (the benchmark reads their rates). */
export const builtInScenarios: readonly ScenarioDefinition[] = [
  steadyLoad,
  databaseRestart,
  slowDatabase,
  databaseBlackhole,
  databaseStopped,
  connectionExhaustion,
  postgresPause,
  backendsTerminated,
  identityProvider,
  targetCrash,
  compoundFault,
  loadSurge,
  networkDegradation,
  flagFlip,
  gracefulShutdown,
  auditOutage,
  noisyNeighbour,
  backupRestore,
  upstreamDegradation,
  roleMix,
  statefulRestart,
  sessionChurn,
  killOneOfThree,
  blueGreenDeploy,
  deployRollback,
  canaryDeploy,
  rollingRestart,
  statefulKillOne,
];
