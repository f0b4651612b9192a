import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The network misbehaves in the ways TCP allows: answers cut into tiny slices and throttled,
 * connections closed slowly, a link that passes a few kilobytes and then closes, resets between
 * the clients and the server, a connection that stalls and is dropped after 1 s, and answers
 * that arrive after the client gave up (the server did the work; the client retries with the
 * same arguments, idempotency key included). Whatever gets through must be correct, failures
 * must be clean, and no retried write may be applied twice.
 */
export const networkDegradation = defineScenario({
  name: 'network-degradation',
  description: 'Sliced, throttled, reset and truncated connections: what gets through is correct.',
  steadyState: STEADY,
  // Clients give up after 5 s (the longest a call may take: noHangs) and retry after 1 s.
  workload: agents(20, {
    // Writes are what a lost answer puts at risk: more of them than usual.
    mix: { lookup_customer: 2, list_orders: 1, create_ticket: 2 },
    callTimeout: '5s',
    maxInFlightPerIdentity: 80,
    retry: { attempts: 2, backoff: '1s' },
  }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named(
      'sliced',
      '4s',
      Fault.slicer('target→postgres', { averageSize: 64, sizeVariation: 32, delayUs: 100 }),
      Fault.bandwidth('target→postgres', { kbPerSecond: 200 }),
    ),
    Phase.named(
      'closing',
      '3s',
      Fault.slowClose('target→postgres', { delayMs: 500 }),
      Fault.limitData('target→identity', { bytes: 2_000 }),
    ),
    Phase.named('resets', '2s', Fault.resetPeer('client→target', { toxicity: 0.05 })),
    Phase.named('stalled', '3s', Fault.timeout('target→postgres', { timeoutMs: 1_000 })),
    // The server's answers are swallowed on their way back (the requests get through): it does
    // the work, the client never hears of it and retries once the link is back.
    Phase.named('answers-lost', '3s', Fault.timeout('client→target', { timeoutMs: 0 })),
    Phase.recovery('4s'),
  ],
  expect: [
    // Answers swallowed on purpose: the clients' timeouts there are not the server's.
    Expect.noHangs('5s', { exceptPhases: ['answers-lost'] }),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.gracefulErrors(),
  ],
});
