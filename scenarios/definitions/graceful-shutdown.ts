import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * A deploy stops the server under load: SIGTERM while the database answers in 300 ms, so that
 * calls (half of them writes) are in flight when it arrives. The server must stop accepting,
 * answer every call it has in flight, close its pool and exit 0 within 2.5 s; it is then started
 * again (as a scheduler would) and must serve at once. No acknowledged write may be lost.
 * 10 calls/s keeps the pool (10 connections) able to serve 300 ms round trips without queueing.
 */
export const gracefulShutdown = defineScenario({
  name: 'graceful-shutdown',
  description:
    'SIGTERM under load with calls in flight: every one answered, exit 0 within 2.5 s, no acknowledged write lost.',
  steadyState: STEADY,
  workload: agents(10, { mix: { create_ticket: 2, lookup_customer: 1, list_orders: 1 }, callTimeout: '5s' }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named(
      'sigterm',
      '6s',
      // Over by the time the server starts again: its start-up is not what is measured here.
      Fault.latency('target→postgres', { latencyMs: 300, forMs: 2_500 }),
      Fault.kill('target', { signal: 'SIGTERM', afterMs: 1_500, forMs: 1_000 }),
    ),
    Phase.recovery('3s'),
  ],
  expect: [
    // A drain ends with the last call in flight (here at most ~1.7 s), well before the 3 s
    // grace: one that waits its grace out (keep-alive connections that never close, so the
    // server never empties) misses this deadline.
    Expect.drainsInFlight({ exitWithinMs: 2_500 }),
    Expect.writesExactlyOnce(),
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.gracefulErrors(),
  ],
});
