import { defineScenario, Expect, Fault, Phase } from '../../harness/index.ts';
import { agents, STEADY } from './common.ts';

/**
 * PostgreSQL freezes (every process of it stopped: a VM migration, a long GC-like stall of the
 * host). Connections stay open and silent; queries sit in the server's buffers. When it thaws,
 * the queued work completes, and the server must not be left holding connections it lost track of.
 */
export const postgresPause = defineScenario({
  name: 'postgres-pause',
  description:
    'PostgreSQL frozen for 5 s: calls fail fast, /readyz degrades, connections return to baseline.',
  steadyState: STEADY,
  workload: agents(20),
  timeline: [
    Phase.baseline('3s'),
    Phase.fault('6s', Fault.pause('postgres', { forMs: 5_000 })),
    Phase.recovery('5s'),
  ],
  expect: [
    Expect.noHangs('5s'),
    Expect.recoversWithin('5s'),
    Expect.healthTruthful(),
    Expect.gracefulErrors(),
    Expect.correctAnswers(),
    Expect.writesExactlyOnce(),
    Expect.boundedConnections(),
  ],
});
