import { defineScenario, Expect, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The control: steady load and no fault. Every other scenario's findings mean something only
 * if this one passes: the target is correct, isolated, honest about itself and bounded in its
 * resources when nothing is wrong.
 */
export const steadyLoad = defineScenario({
  name: 'steady-load',
  description: 'Steady load with no fault: the control every other scenario is read against.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [Phase.baseline('5s'), Phase.named('steady', '6s')],
  expect: [
    Expect.slo({ 'p(99)': '<1s', errorRate: '<0.5%' }, { phases: ['steady'] }),
    Expect.noHangs('2s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.gracefulErrors(),
    Expect.boundedConnections(),
    Expect.boundedMemory(),
    Expect.metricsHonest(),
    Expect.piiScan(),
  ],
});
