import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The first outage of the story: "a routine database restart" took the customer-service AI
 * offline. As in a managed database's maintenance restart, the database host first stops
 * answering (open connections go silent: no RST, no FIN), then PostgreSQL shuts down and comes
 * back. The server must fail fast meanwhile (only its timeouts can get a call out of a silent
 * connection), say it is not ready, recover soon after, and stay correct throughout.
 */
export const databaseRestart = defineScenario({
  name: 'database-restart',
  description: 'PostgreSQL restarts under load: calls fail fast during the outage and succeed after it.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('5s'),
    // Silent for 6 s, down for 2 s, back but still silent for 2 s: longer than any sane
    // timeout, so a pool without timeouts hangs and one with them fails fast.
    Phase.named(
      'restart',
      '10s',
      Fault.blackhole('target→postgres'),
      Fault.restart('postgres', { afterMs: 6_000, forMs: 2_000 }),
    ),
    Phase.recovery('7s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    // Calls answered while the database was silent are audited through the spool.
    Expect.auditComplete(),
    Expect.gracefulErrors(),
    Expect.healthTruthful(),
    Expect.boundedConnections(),
  ],
});
