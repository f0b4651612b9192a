import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Another client takes every free PostgreSQL connection (a batch job, a leaking neighbour). The
 * server keeps the connections its pool already holds; it must not hang waiting for more, must
 * not over-report or under-report its pool, and must get back to normal once they are released.
 */
export const connectionExhaustion = defineScenario({
  name: 'connection-exhaustion',
  description: 'Every free PostgreSQL connection is taken for 6 s: no hangs, honest pool metrics, recovery.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault('6s', Fault.exhaustConnections('postgres', { leave: 0 })),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.gracefulErrors(),
    Expect.correctAnswers(),
    Expect.writesExactlyOnce(),
    Expect.boundedConnections(),
    Expect.metricsHonest(),
  ],
});
