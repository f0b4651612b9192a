import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Two things wrong at once, as in real incidents: the database slows to 300 ms per round trip
 * while the identity provider is unreachable. Slow but correct answers, no failures.
 */
export const compoundFault = defineScenario({
  name: 'compound-fault',
  description: 'Database latency while the identity provider is down: slower, never wrong, no failures.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault(
      '8s',
      Fault.latency('target→postgres', { latencyMs: 300, jitterMs: 50 }),
      Fault.down('target→identity'),
    ),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.slo({ 'p(95)': '<3s', errorRate: '<1%' }, { phases: ['fault'] }),
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
