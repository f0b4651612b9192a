import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Three instances restarted one after another under load, as a rolling restart does: each is
 * drained behind the router, stopped with SIGTERM, started again and given its calls back once
 * ready. The two others carry the load each time; no call may fail.
 */
export const rollingRestart = defineScenario({
  name: 'rolling-restart',
  description: 'A rolling restart of three instances behind the router under load: no call fails.',
  instances: { count: 3 },
  steadyState: STEADY,
  workload: agents(20, { callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('rolling', '8s', Fault.rollingRestart()),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.thresholds({ call_failed: ['rate==0'] }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
