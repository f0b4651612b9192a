import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The database host stops answering: packets vanish, no RST, no FIN (a network partition, a
 * security group change). Only the server's own timeouts can end a call; /readyz must say so.
 */
export const databaseBlackhole = defineScenario({
  name: 'database-blackhole',
  description:
    'The link to PostgreSQL swallows every packet for 6 s: calls fail fast, /readyz tells the truth.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault('6s', Fault.blackhole('target→postgres')),
    Phase.recovery('5s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.healthTruthful(),
    Expect.gracefulErrors(),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.boundedConnections(),
  ],
});
