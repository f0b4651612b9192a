import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents } from './common.ts';

// Every round trip to the database 150 ms late: the pool (10 connections) then serves about 50
// calls/s, above the suite's 20/s but well below a 4x spike's 80/s.
const slowDatabase = () => Fault.latency('target→postgres', { latencyMs: 150 });

/**
 * The reference story's first outage: a 4x traffic spike while the database is slow. Without
 * overload protection every call queues for a pool connection: the served ones slow down for
 * everybody, the later ones time out waiting, and memory grows with the queue. With it, the excess
 * is refused at once ("busy, retry after N ms") and the calls admitted keep their baseline latency.
 */
export const loadSurge = defineScenario({
  name: 'load-surge',
  // An overload's latency is what it judges: another scenario's load beside it would be part of it.
  exclusive: true,
  description:
    'A 4x traffic spike on a slow database: the excess shed fast, served calls at baseline latency, memory bounded.',
  // Normal here includes the slow database: a call makes two round trips of 150 ms, and a new
  // pooled connection several more, so the suite's 500 ms would judge the fault, not the server.
  steadyState: { 'p(95)': '<1500ms', errorRate: '<1%' },
  // Served calls may wait up to ~3 s while the pool is saturated (shedding off): enough sessions
  // that the driver never drops a call for want of one.
  // Mostly writes: the read cache answers repeated reads without the database, and the story's
  // spike is work the database must do.
  workload: agents(20, {
    maxInFlightPerIdentity: 120,
    mix: { create_ticket: 2, lookup_customer: 1, list_orders: 1 },
  }),
  timeline: [
    Phase.baseline('4s', slowDatabase()),
    Phase.named('spike', '6s', slowDatabase(), Fault.spike(4)),
    Phase.recovery('3s'),
  ],
  // Nightly plays the whole 4x spike for four times as long. Not at twice the load: 40 calls/s
  // would put the baseline itself at the slowed pool's capacity (it sheds before any spike), and
  // the scenario would measure the database instead of the spike.
  profiles: { nightly: { load: 1 } },
  expect: [
    // No errors beyond fast sheds; the p99 of served calls within 3x the baseline's.
    Expect.shedsExcess({ phases: ['spike'], latencyFactor: 3 }),
    // Shedding half of a 4x spike is the point; shedding nearly all of it means the server stopped
    // serving: stop at once, nothing more is learnt from a flood of refusals.
    Expect.thresholds({
      'call_failed{phase:spike}': [{ threshold: 'rate<0.9', abortOnFail: true, delayAbortEval: '2s' }],
    }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.gracefulErrors(),
    Expect.boundedConnections(),
    Expect.boundedMemory(),
  ],
});
