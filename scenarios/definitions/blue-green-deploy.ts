import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/** The build every deploy scenario rolls out: the same good server under a new build id. */
export const NEXT_BUILD = { buildId: 'reference-next' } as const;

/**
 * A zero-downtime blue/green deploy of a good build under load: two new instances start (and
 * migrate) beside the two old ones, all traffic moves to them at once through the router, and
 * the old ones are drained and stopped. No call may fail, and the switch must show in the
 * answers themselves: every call after it is answered by the new build (its id in `_meta`).
 */
export const blueGreenDeploy = defineScenario({
  name: 'blue-green-deploy',
  description:
    'A blue/green deploy of a good build under load: no call fails, the answers switch to the new build.',
  instances: { count: 2 },
  steadyState: STEADY,
  workload: agents(20, { callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named(
      'deploy',
      '8s',
      Fault.deploy(NEXT_BUILD, {
        strategy: 'blue-green',
        guard: { thresholds: { call_failed: ['rate<0.01'] }, watchMs: 2000 },
      }),
    ),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.deployed({ build: NEXT_BUILD.buildId }),
    // Every call, those in flight while traffic moved included: zero downtime means none failed.
    Expect.thresholds({ call_failed: ['rate==0'] }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
