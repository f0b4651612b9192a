import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The database answers slowly: first 300 ms per round trip (a degraded disk), then 3 s (longer
 * than the server's query budget). At 300 ms calls are slow but succeed; at 3 s they must fail
 * fast and cleanly. The server's query timeout fires after PostgreSQL has already committed a
 * write, so the clients — which retry a failed write with the same idempotency key, as agents
 * do, backing off until the database is back — find out whether a retried write is applied
 * exactly once. Half the calls are writes; 10 calls/s keeps the pool (10 connections) able to
 * serve 300 ms round trips without queueing.
 */
export const slowDatabase = defineScenario({
  name: 'slow-database',
  description:
    'PostgreSQL answers in 300 ms, then in 3 s: slow but correct, then fast failures, never duplicate writes.',
  steadyState: STEADY,
  workload: agents(10, {
    mix: { create_ticket: 2, lookup_customer: 1, list_orders: 1 },
    retry: { attempts: 3, backoff: '1s', tools: ['create_ticket'] },
  }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('slow-300ms', '4s', Fault.latency('target→postgres', { latencyMs: 300 })),
    Phase.named('slow-3s', '7s', Fault.latency('target→postgres', { latencyMs: 3_000 })),
    Phase.recovery('6s'),
  ],
  expect: [
    Expect.slo({ 'p(95)': '<3s', errorRate: '<1%' }, { phases: ['slow-300ms'] }),
    Expect.noHangs('6s'),
    Expect.recoversWithin('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.gracefulErrors(),
    Expect.boundedConnections(),
    // The pool grows under the slow database: its gauge must follow pg_stat_activity.
    Expect.metricsHonest(),
  ],
});
