import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { NEXT_BUILD } from './blue-green-deploy.ts';
import { agents, STEADY } from './common.ts';

/**
 * A rehearsed rollback: a good build is deployed blue/green, serves for a while, and is rolled
 * back on purpose (the old instances waited at weight 0). Both switches happen under load and
 * neither may fail a call; the answers show the new build after the deploy and the old one after
 * the rollback.
 */
export const deployRollback = defineScenario({
  name: 'deploy-rollback',
  description:
    'A good build deployed blue/green, then rolled back on purpose under load: no call fails either way.',
  instances: { count: 2 },
  steadyState: STEADY,
  workload: agents(20, { callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('deployed', '7s', Fault.deploy(NEXT_BUILD, { strategy: 'blue-green', rollbackAtHeal: true })),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.deployed({ build: NEXT_BUILD.buildId, rollback: 'heal' }),
    Expect.thresholds({ call_failed: ['rate==0'] }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
