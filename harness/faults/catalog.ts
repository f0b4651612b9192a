import { backupFaults } from './backup-faults.ts';
import { deployFaults } from './deploy-faults.ts';
import { flagFaults } from './flag-faults.ts';
import { linkFaults } from './link-faults.ts';
import { loadFaults } from './load-faults.ts';
import { postgresFaults } from './postgres-faults.ts';
import { targetFaults } from './target-faults.ts';
import { upstreamFaults } from './upstream-faults.ts';

/** The fault catalog: `Fault.restart('postgres')`, `Fault.latency('target→postgres', …)`. */
export const Fault = {
  ...postgresFaults,
  ...linkFaults,
  ...targetFaults,
  ...loadFaults,
  ...flagFaults,
  ...backupFaults,
  ...upstreamFaults,
  ...deployFaults,
};
