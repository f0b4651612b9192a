import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * PostgreSQL is down for 20 s under load (connections refused): reads of records the server
 * has seen are answered from its cache, marked stale with their age; the rest fail fast with a
 * clear retryable error; everything recovers once it is back.
 */
export const databaseStopped = defineScenario({
  name: 'database-stopped',
  description:
    'PostgreSQL stopped for 20 s under load: reads answered from the cache marked stale, clean errors otherwise, recovery once it is back.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault('21s', Fault.stop('postgres', { forMs: 20_000 })),
    Phase.recovery('5s'),
  ],
  expect: [
    Expect.slo({ 'p(95)': '<500ms', errorRate: '<1%' }, { phases: ['recovery'] }),
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.healthTruthful(),
    Expect.gracefulErrors(),
    // The feature itself: without answers marked stale the cache's fallback was never served.
    Expect.correctAnswers({ minStaleAnswers: 20 }),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
