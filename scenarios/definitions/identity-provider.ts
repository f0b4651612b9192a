import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * The identity provider is slow (3 s per answer), then unreachable. Tokens are verified with
 * the provider's public keys (JWKS), which a server should fetch once and cache: then neither
 * fault is visible to clients. A server that fetches the keys on every call fails every call.
 */
export const identityProvider = defineScenario({
  name: 'identity-provider',
  description: 'The identity provider is slow, then down: cached signing keys keep every call working.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.named('identity-slow', '4s', Fault.latency('target→identity', { latencyMs: 3_000 })),
    Phase.named('identity-down', '5s', Fault.down('target→identity')),
    Phase.recovery('3s'),
  ],
  expect: [
    Expect.slo({ 'p(95)': '<500ms', errorRate: '<1%' }, { phases: ['identity-slow', 'identity-down'] }),
    Expect.noHangs('5s'),
    Expect.correctAnswers(),
    Expect.isolation(),
    Expect.gracefulErrors(),
  ],
});
