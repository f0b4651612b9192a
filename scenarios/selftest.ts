import { referenceTarget, type SelfTestCase } from '../harness/index.ts';
import { auditOutage } from './definitions/audit-outage.ts';
import { backendsTerminated } from './definitions/backends-terminated.ts';
import { backupRestore } from './definitions/backup-restore.ts';
import { canaryDeploy } from './definitions/canary-deploy.ts';
import { databaseBlackhole } from './definitions/database-blackhole.ts';
import { databaseRestart } from './definitions/database-restart.ts';
import { flagFlip } from './definitions/flag-flip.ts';
import { gracefulShutdown } from './definitions/graceful-shutdown.ts';
import { identityProvider } from './definitions/identity-provider.ts';
import { loadSurge } from './definitions/load-surge.ts';
import { networkDegradation } from './definitions/network-degradation.ts';
import { noisyNeighbour } from './definitions/noisy-neighbour.ts';
import { roleMix } from './definitions/role-mix.ts';
import { sessionChurn } from './definitions/session-churn.ts';
import { slowDatabase } from './definitions/slow-database.ts';
import { statefulKillOne } from './definitions/stateful-kill-one.ts';
import { statefulRestart } from './definitions/stateful-restart.ts';
import { steadyLoad } from './definitions/steady-load.ts';
import { upstreamDegradation } from './definitions/upstream-degradation.ts';

type Defect = NonNullable<Parameters<typeof referenceTarget>[0]>['defect'] & string;

const row = (defect: Defect, scenario: SelfTestCase['scenario'], check: string): SelfTestCase => ({
  defect,
  scenario,
  check,
  target: referenceTarget({ defect }),
});

/**
 * A deploy guard's self-test: the instances running are the good build, and the build the
 * scenario deploys carries the defect (TargetDefinition.deployEnv). The guard must keep it from
 * taking over: the `deployed` check fails, reporting the exposure window.
 */
const deployRow = (defect: Defect, scenario: SelfTestCase['scenario'], check = 'deployed'): SelfTestCase => ({
  defect,
  scenario,
  check,
  target: {
    ...referenceTarget(),
    name: `reference (deploys defect: ${defect})`,
    deployEnv: { DEFECT: defect },
  },
});

/**
 * The detection table `mcp-chaos selftest` proves: each deliberately broken build of the
 * reference server (src/defects) and the scenario and check that must catch it. Every check
 * of the suite is trusted only because it appears here.
 */
export const selfTests: readonly SelfTestCase[] = [
  row('pool-timeouts-off', databaseRestart, 'noHangs'),
  row('connection-leak', slowDatabase, 'boundedConnections'),
  row('wrong-customer-same-tenant', steadyLoad, 'correctAnswers'),
  row('cross-tenant-customer', steadyLoad, 'isolation'),
  row('idempotency-ignored', networkDegradation, 'writesExactlyOnce'),
  row('readyz-always-ok', databaseBlackhole, 'healthTruthful'),
  row('sql-in-errors', databaseRestart, 'gracefulErrors'),
  row('pool-gauge-stale', slowDatabase, 'metricsHonest'),
  row('jwks-no-cache', identityProvider, 'slo'),
  row('pool-error-unhandled', backendsTerminated, 'targetStayedUp'),
  row('tenant-cache-key', steadyLoad, 'correctAnswers'),
  row('no-drain', gracefulShutdown, 'drainsInFlight'),
  row('flags-ignored', flagFlip, 'thresholds'),
  row('audit-spool-off', auditOutage, 'auditComplete'),
  row('shedding-off', loadSurge, 'shedsExcess'),
  row('shedding-off', noisyNeighbour, 'slo'),
  row('backup-tables-by-hand', backupRestore, 'restoredFromBackup'),
  row('upstream-guards-off', upstreamDegradation, 'slo'),
  row('billing-authz-off', roleMix, 'authorization'),
  row('analytics-cross-tenant', roleMix, 'correctAnswers'),
  row('session-404-as-500', statefulRestart, 'recoversWithin'),
  row('session-404-as-500', statefulKillOne, 'boundedByInFlight'),
  row('sessions-unbounded', sessionChurn, 'gaugeBounded'),
  row('pii-in-logs', steadyLoad, 'piiScan'),
  row('pii-plaintext', steadyLoad, 'piiScan'),
  deployRow('crash-on-start', canaryDeploy),
  deployRow('slow-queries', canaryDeploy),
  deployRow('tenant-cache-key', canaryDeploy),
  // Not the guard's to catch (the new build is fine; the old one breaks): the calls that failed
  // while the canary and the old build served side by side on the schema the canary changed.
  deployRow('expand-breaks-old', canaryDeploy, 'thresholds'),
];
