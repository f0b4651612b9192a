import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * More traffic than usual: the arrival rate tripled for 5 s, then one user flooding at 40
 * calls/s beside the others. The server may slow down, but must not fail, hang or grow without
 * bound.
 */
export const loadSurge = defineScenario({
  name: 'load-surge',
  description:
    'A 3x traffic spike, then a noisy user: no failures, no hangs, memory and connections bounded.',
  steadyState: STEADY,
  workload: agents(20, { maxInFlightPerIdentity: 60 }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('spike', '5s', Fault.spike(3)),
    Phase.named('noisy-user', '5s', Fault.noisyUser({ rate: 40 })),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.slo({ 'p(99)': '<2s', errorRate: '<1%' }, { phases: ['spike', 'noisy-user'] }),
    // Stop at once if the surge breaks the server: nothing more is learnt from a flood of failures.
    Expect.thresholds({
      call_failed: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '2s' }],
    }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.boundedConnections(),
    Expect.boundedMemory(),
  ],
});
