import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { NEXT_BUILD } from './blue-green-deploy.ts';
import { agents, STEADY } from './common.ts';

/**
 * A canary: one instance of the new build takes a fifth of the calls beside the old build, both
 * on one schema (the new build migrated it as it started: expand only), while the guard watches
 * its latency, failures, answers and isolation; then it is promoted to all traffic. Old and new
 * must both answer correctly while they serve side by side, and no call may fail.
 */
export const canaryDeploy = defineScenario({
  name: 'canary-deploy',
  description:
    'A canary of a good build beside the old one on one schema, guarded, then promoted: both answer correctly, no call fails.',
  instances: { count: 2 },
  steadyState: STEADY,
  // Writes as often as reads: a deploy under write load, where a schema change the old build
  // cannot live with shows at once (the expand-breaks-old self-test).
  workload: agents(20, {
    callTimeout: '5s',
    mix: { lookup_customer: 2, list_orders: 1, create_ticket: 3 },
  }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named(
      'canary',
      '10s',
      Fault.deploy(NEXT_BUILD, {
        strategy: 'canary',
        canaryShare: 0.25,
        // The guard's self-tests (scenarios/selftest.ts) deploy broken builds here: one that
        // never starts, one that is slow, one that answers with another customer's data.
        guard: {
          thresholds: { call_duration: ['p(95)<250'], call_failed: ['rate<0.02'] },
          checks: [Expect.isolation(), Expect.correctAnswers()],
          watchMs: 3000,
          minCalls: 10,
        },
      }),
    ),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.deployed({ build: NEXT_BUILD.buildId, bothServed: true }),
    Expect.thresholds({ call_failed: ['rate==0'] }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
