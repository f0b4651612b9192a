import { type AuthorizationTable, defineScenario, Expect, Phase, Workload } from '../../harness/index.ts';
import { STEADY } from './common.ts';

/**
 * The reference server's documented authorization table (src/README.md), written out by hand:
 * deriving it from the server would only prove the server agrees with itself.
 */
export const REFERENCE_AUTHORIZATION: AuthorizationTable = {
  agent: ['lookup_customer', 'list_orders', 'create_ticket', 'search_knowledge_base'],
  auditor: ['lookup_customer', 'list_orders', 'search_knowledge_base'],
  customer: ['lookup_customer', 'list_orders', 'create_ticket', 'search_knowledge_base'],
  manager: ['lookup_customer', 'list_orders', 'create_ticket', 'search_knowledge_base', 'analytics_summary'],
  billing_admin: ['lookup_customer', 'update_billing'],
};

/**
 * Every role of every tenant calls every tool, under moderate load: the tools it may use answer
 * right (the right articles of its own tenant, the right figures, billing updated as sent with
 * the card as a token and last four), the ones it may not are refused with FORBIDDEN and never
 * served, and nobody sees another tenant's data.
 */
export const roleMix = defineScenario({
  name: 'role-mix',
  description:
    'Agents, auditors, customers, managers and billing admins call all six tools: forbidden calls are refused, the rest answer right.',
  steadyState: STEADY,
  workload: Workload.arrivalRate(20, {
    roles: ['agent', 'auditor', 'customer', 'manager', 'billing_admin'],
    mix: {
      // Weighted towards the tools only one role may use, so each gets enough permitted calls.
      lookup_customer: 15,
      list_orders: 5,
      create_ticket: 10,
      search_knowledge_base: 20,
      update_billing: 25,
      analytics_summary: 25,
    },
    callTimeout: '15s',
    maxInFlightPerIdentity: 20,
  }),
  timeline: [Phase.baseline('10s')],
  expect: [
    Expect.authorization({ allowed: REFERENCE_AUTHORIZATION }),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.writesExactlyOnce(),
    Expect.gracefulErrors(),
    Expect.slo(STEADY),
    Expect.noHangs('5s'),
  ],
});
