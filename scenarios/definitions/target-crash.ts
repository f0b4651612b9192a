import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The server itself goes away: killed outright (kill -9: an OOM kill, a node lost) and down for
 * 2 s, then restarted gracefully (SIGTERM, as a deploy or a scheduler does). Calls to a dead
 * server fail; once it is back they must succeed at once, and no acknowledged write may be lost
 * or doubled.
 */
export const targetCrash = defineScenario({
  name: 'target-crash',
  description:
    'The server is killed with SIGKILL, then restarted with SIGTERM: it recovers, no write lost or doubled.',
  steadyState: STEADY,
  workload: agents(20, { callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('kill-9', '6s', Fault.kill('target', { signal: 'SIGKILL', forMs: 2_000 })),
    Phase.named('restart', '5s', Fault.restartTarget({ afterMs: 500 })),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
