import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/** PostgreSQL is down for 5 s (connections refused): clean, fast errors, then recovery. */
export const databaseStopped = defineScenario({
  name: 'database-stopped',
  description: 'PostgreSQL stopped for 5 s: connections refused, clean errors, recovery once it is back.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault('6s', Fault.stop('postgres', { forMs: 5_000 })),
    Phase.recovery('6s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.healthTruthful(),
    Expect.gracefulErrors(),
    Expect.correctAnswers(),
    Expect.writesExactlyOnce(),
  ],
});
