import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

const UPSTREAM_PHASES = ['upstream-slow', 'upstream-hung', 'upstream-failing'];
const OTHER_TOOLS = ['lookup_customer', 'list_orders', 'create_ticket'];

/**
 * The shipping service behind get_order_status is slow (3 s per answer), then hangs (answers
 * nothing), then fails (HTTP 503), then heals. A server that guards its upstream (timeout,
 * retry within budget, circuit breaker, bulkhead) answers get_order_status fast throughout,
 * degraded while the upstream is away (the order, and shipping.available=false with a reason
 * and a retry-after), in full again once its breaker closes; and the other tools never notice.
 * A server that waits on the upstream as long as it takes lets those waits pile up on its call
 * slots until the other tools are refused.
 */
export const upstreamDegradation = defineScenario({
  name: 'upstream-degradation',
  description:
    'The shipping upstream is slow, hung, then failing: get_order_status degrades fast, the rest never notice.',
  steadyState: STEADY,
  // Half the calls ask the upstream: 10 calls/s, enough to fill the server's call slots within
  // the hung phase if nothing bounds the wait.
  workload: agents(20, {
    mix: { lookup_customer: 2, list_orders: 2, create_ticket: 1, get_order_status: 5 },
    callTimeout: '15s',
  }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('upstream-slow', '3s', Fault.upstreamSlow({ delayMs: 3_000 })),
    Phase.named('upstream-hung', '3s', Fault.upstreamHang()),
    Phase.named('upstream-failing', '2s', Fault.upstreamFailing({ status: 503 })),
    Phase.recovery('6s'),
  ],
  expect: [
    // The other tools keep their steady state while the upstream is away.
    Expect.slo(STEADY, { tools: OTHER_TOOLS, phases: UPSTREAM_PHASES }),
    // get_order_status stays fast: at worst one attempt's timeout and a retry (UPSTREAM_TOTAL_TIMEOUT_MS
    // 1 s), and answered at once while the breaker is open; never an error.
    Expect.slo(
      { 'p(95)': '<1500ms', errorRate: '<1%' },
      { tools: ['get_order_status'], phases: UPSTREAM_PHASES, name: 'orderStatusFast' },
    ),
    // Degraded answers while the upstream is away, full ones again once the breaker closes
    // (half-open after 2 s, one trial call).
    Expect.degradesAndRecovers('4s', { minDegraded: 10 }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.gracefulErrors(),
  ],
});
