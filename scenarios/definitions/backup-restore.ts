import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The disaster a backup exists for: a backup taken under load with the reference server's own
 * tool (src/db/backup-cli.ts), then, seconds later, the database lost — dropped, every
 * connection cut — and restored from that backup while the calls go on. Every ticket
 * acknowledged before the backup's recovery point must come back exactly once, the server must
 * serve again soon after the restore, and the writes in between are the loss the report states.
 */
export const backupRestore = defineScenario({
  name: 'backup-restore',
  description:
    'A backup under load, the database lost and restored from it: every write up to the recovery point comes back.',
  steadyState: STEADY,
  workload: agents(20, { mix: { lookup_customer: 35, list_orders: 25, create_ticket: 40 } }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('backup', '2s', Fault.backup('postgres', { afterMs: 500 })),
    Phase.named('disaster', '3s', Fault.restoreBackup('postgres', { afterMs: 500 })),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.restoredFromBackup(),
    Expect.recoversWithin('3s'),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.gracefulErrors(),
  ],
});
