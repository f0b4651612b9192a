import { defineScenario, Expect, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * Stateful mode under session churn: every call opens a new MCP session and abandons the one
 * before without closing it, as crashed agents and careless clients do. The server must bound
 * what they leave behind (a cap, least recently used evicted first, and an idle TTL): memory
 * stays flat and the calls keep their latency. Small limits here so that the cap is reached
 * within seconds; production defaults are in src/README.md.
 */
const SESSION_MAX = 100;

export const sessionChurn = defineScenario({
  name: 'session-churn',
  // Every call opens a session (an initialize round trip more): its latency objective needs the cores.
  exclusive: true,
  description:
    'Stateful sessions opened and abandoned on every call: the server evicts them (cap, idle TTL); memory and latency stay bounded.',
  steadyState: STEADY,
  targetEnv: {
    MCP_SESSION_MODE: 'stateful',
    MCP_SESSION_MAX: String(SESSION_MAX),
    MCP_SESSION_IDLE_MS: '2000',
  },
  // A new session per call at the suite's 20 calls/s: 240 over the timeline (and the 120 the
  // driver opens before it starts), far past the cap within seconds.
  workload: agents(20, { churnSessions: true, callTimeout: '5s' }),
  timeline: [Phase.baseline('3s'), Phase.named('churn', '8s'), Phase.recovery('1s')],
  expect: [
    Expect.slo(STEADY),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    // The cap holds at every sample (the server's own gauge on /metrics)…
    Expect.gaugeBounded('mcp_sessions_open', { max: SESSION_MAX }),
    // …and what it evicts is released: memory ends near where it began.
    Expect.boundedMemory(),
  ],
});
