import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * An operator switches create_ticket off under load (a kill switch: a bad downstream, an abuse
 * wave) and on again 4 s later, at run time, without a restart. While it is off its calls must
 * answer a clear TOOL_DISABLED error (and nothing else: an ignored flag fails the thresholds),
 * the other tools must not notice, and once it is on again it must work at once.
 */
export const flagFlip = defineScenario({
  name: 'flag-flip',
  description:
    'create_ticket disabled at run time for 4 s, then enabled: a clear TOOL_DISABLED error, the other tools untouched, no restart.',
  steadyState: STEADY,
  workload: agents(20, { mix: { lookup_customer: 2, list_orders: 2, create_ticket: 1 } }),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('create-ticket-off', '4s', Fault.disableTool('create_ticket')),
    Phase.recovery('3s'),
  ],
  thresholds: {
    // The flag is obeyed: the disabled tool's calls answer TOOL_DISABLED, all but the few caught
    // in flight by the flip.
    'calls{phase:create-ticket-off,tool:create_ticket,code:TOOL_DISABLED}': ['count>5'],
    'call_failed{phase:create-ticket-off,tool:create_ticket}': ['rate>0.8'],
  },
  expect: [
    Expect.slo(STEADY, { phases: ['create-ticket-off'], tools: ['lookup_customer', 'list_orders'] }),
    Expect.gracefulErrors(),
    Expect.recoversWithin('1s'),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
  ],
});
