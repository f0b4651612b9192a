import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Stateful mode (MCP sessions with ids): the server is restarted under load and comes back
 * knowing none of the sessions its clients hold. It must say so the way the MCP spec says, HTTP
 * 404 for the session, so that a well-behaved client opens a new one (initialize) and sends the
 * call again; the driver does exactly that and journals it (`reinitialized`). Calls must recover
 * at once, no write may be lost or doubled by the re-sending, and nobody may be served on a
 * session that is not theirs.
 */
export const statefulRestart = defineScenario({
  name: 'stateful-restart',
  description:
    'Stateful sessions, the server restarted under load: clients get 404, re-initialize and recover; no write lost or doubled.',
  steadyState: STEADY,
  targetEnv: { MCP_SESSION_MODE: 'stateful' },
  workload: agents(20, { callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('restart', '5s', Fault.restartTarget({ afterMs: 500 })),
    Phase.recovery('4s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    // The restart must have made the clients re-initialize (else the scenario tested nothing),
    // and after it every call is answered.
    Expect.thresholds({
      call_reinitialized: ['rate>0'],
      'call_failed{phase:recovery}': ['rate<0.01'],
    }),
  ],
});
