import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Every backend of the server is terminated (a failover, an administrator's
 * pg_terminate_backend): the pool holds dead connections and must replace them by itself.
 */
export const backendsTerminated = defineScenario({
  name: 'backends-terminated',
  description:
    "The server's PostgreSQL backends are terminated: the pool replaces them, calls recover at once.",
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault('5s', Fault.terminateBackends('postgres', { afterMs: 500 })),
    Phase.recovery('5s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('3s'),
    Expect.gracefulErrors(),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.boundedConnections(),
  ],
});
