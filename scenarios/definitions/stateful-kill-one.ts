import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Stateful sessions on three instances, the router keeping each session on the instance that
 * created it (affinity by Mcp-Session-Id). One instance is killed: its sessions are gone with
 * it. The router sends their next calls to the others, which answer 404 for a session they do
 * not know, and the clients open a new session there (initialize) and send the call again. Only
 * the calls in flight on the dead instance may fail.
 */
export const statefulKillOne = defineScenario({
  name: 'stateful-kill-one',
  description:
    'Stateful sessions with affinity on three instances, one killed: its clients re-initialize on the others; only its in-flight calls fail.',
  instances: { count: 3, affinity: true },
  targetEnv: { MCP_SESSION_MODE: 'stateful' },
  steadyState: STEADY,
  // One session per agent: the driver sends each call on the first free session, so with more
  // most calls ride one session per agent, wherever it happens to live. Three sessions, started
  // round-robin over three instances, put one on each: the killed one always holds a busy one.
  workload: agents(20, { callTimeout: '5s', maxInFlightPerIdentity: 1 }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('kill-one', '6s', Fault.kill('target-2', { signal: 'SIGKILL', forMs: 4_000 })),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.boundedByInFlight(),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    // The kill must have moved sessions (else the scenario tested nothing).
    Expect.thresholds({ call_reinitialized: ['rate>0'] }),
    // One call in flight per agent is the design: while an agent's call waits on the killed
    // instance or re-initializes, its next scheduled calls are dropped by that cap, not by a
    // starved driver (3 of 240 on a loaded 2-core CI machine). Lag keeps its usual budget.
    Expect.driverHealthy({ maxDroppedRatio: 0.05 }),
  ],
});
