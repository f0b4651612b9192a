import { defineScenario, Expect, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Stateful mode under session churn: every call opens a new MCP session and abandons the one
 * before without closing it, as crashed agents and careless clients do. The server must bound
 * what they leave behind (a cap, least recently used evicted first, and an idle TTL): memory
 * stays flat and the calls keep their latency. Small limits here so that the cap is reached
 * within seconds; production defaults are in src/README.md.
 */
export const sessionChurn = defineScenario({
  name: 'session-churn',
  description:
    'Stateful sessions opened and abandoned on every call: the server evicts them (cap, idle TTL); memory and latency stay bounded.',
  steadyState: STEADY,
  targetEnv: { MCP_SESSION_MODE: 'stateful', MCP_SESSION_MAX: '200', MCP_SESSION_IDLE_MS: '3000' },
  workload: agents(40, { churnSessions: true, callTimeout: '5s' }),
  timeline: [Phase.baseline('3s'), Phase.named('churn', '8s'), Phase.recovery('1s')],
  expect: [Expect.slo(STEADY), Expect.noHangs('5s'), Expect.correctAnswers(), Expect.boundedMemory()],
});
