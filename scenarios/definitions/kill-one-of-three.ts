import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Three instances behind the router, one of them killed outright (kill -9: a node lost) under
 * load and down for 4 s, then started again. Only the calls it had in flight as it died may
 * fail: the router ejects it at the first refused connection and sends that call to another
 * instance, so the other two take the whole load until it is back and ready.
 */
export const killOneOfThree = defineScenario({
  name: 'kill-one-of-three',
  description:
    'One of three instances behind the router is killed under load: only its in-flight calls fail, the others take the load.',
  instances: { count: 3 },
  steadyState: STEADY,
  workload: agents(30, { callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('kill-one', '6s', Fault.kill('target-2', { signal: 'SIGKILL', forMs: 4_000 })),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.boundedByInFlight(),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.slo({ 'p(95)': '<500ms', errorRate: '<5%' }, { phases: ['kill-one', 'recovery'] }),
  ],
});
