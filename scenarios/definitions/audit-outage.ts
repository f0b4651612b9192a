import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * PostgreSQL stops for 5 s while tickets are being written. Every call the server answers —
 * the writes before and after, the clean errors during — must be in its audit log exactly
 * once: spooled to a local file while the database is away, flushed once it is back. And no
 * personal data in plaintext anywhere: not in the spool, the database or the logs.
 */
export const auditOutage = defineScenario({
  name: 'audit-outage',
  description:
    'PostgreSQL stopped under writes: every answered call audited exactly once (spool, then flush).',
  steadyState: STEADY,
  workload: agents(20, { mix: { lookup_customer: 1, list_orders: 1, create_ticket: 2 } }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('outage', '6s', Fault.stop('postgres', { forMs: 5_000 })),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.auditComplete(),
    Expect.writesExactlyOnce(),
    Expect.gracefulErrors(),
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.piiScan(),
  ],
});
