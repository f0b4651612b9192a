import {
  correctAnswers,
  defineScenario,
  Fault,
  gracefulErrors,
  isolation,
  noHangs,
  recoversWithin,
  writesExactlyOnce,
} from '../../harness/index.ts';

/**
 * The first outage of the story: "a routine database restart" took the customer-service AI
 * offline. As in a managed database's maintenance restart, the database host first stops
 * answering (open connections go silent: no RST, no FIN), then PostgreSQL shuts down and comes
 * back. The server must fail fast meanwhile (only its timeouts can get a call out of a silent
 * connection), recover soon after, and stay correct throughout.
 */
export const databaseRestart = defineScenario({
  name: 'database-restart',
  description: 'PostgreSQL restarts under load: calls fail fast during the outage and succeed after it.',
  // Up to ~5 s per call while the database is away, 20 calls/s over 3 identities: 40 sessions each
  // keep the arrival rate without dropping calls.
  workload: { rate: 20, roles: ['agent'], callTimeout: '15s', maxInFlightPerIdentity: 40 },
  timeline: [
    { name: 'baseline', durationMs: 5_000 },
    {
      name: 'restart',
      durationMs: 10_000,
      // Silent for 6 s, down for 2 s, back but still silent for 2 s: longer than any sane
      // timeout, so a pool without timeouts hangs and one with them fails fast.
      faults: [
        Fault.blackhole('target→postgres'),
        Fault.restart('postgres', { afterMs: 6_000, forMs: 2_000 }),
      ],
    },
    { name: 'recovery', durationMs: 10_000 },
  ],
  expect: [
    noHangs({ maxMs: 5_000 }),
    recoversWithin({ ms: 5_000 }),
    correctAnswers(),
    isolation(),
    writesExactlyOnce(),
    gracefulErrors(),
  ],
});
