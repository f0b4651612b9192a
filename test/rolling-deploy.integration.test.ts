// Fault.deploy's rolling strategy on three real instances behind the router, calls flowing all
// the while: a good build replaces the old one instance by instance with no call failing, and a
// slow build is rolled back by the guard, the old build's instances started again in its place.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Environment,
  Fault,
  type JournalRecord,
  McpSession,
  referenceTarget,
  type StartedEnvironment,
} from '../harness/index.ts';
import { BUILD_KEY } from '../harness/load/mcp-contract.ts';

let env: StartedEnvironment | undefined;
afterEach(async () => {
  await env?.stop();
  env = undefined;
});

/** Calls lookup_customer every 20 ms until `stop`; each answer's build id, or its failure. */
async function callUntil(
  started: StartedEnvironment,
  stop: { done: boolean },
  onCall: (record: JournalRecord) => void,
) {
  const agent = started.identities.find((i) => i.role === 'agent');
  const customer = started.dataset.customers.find((c) => c.tenantId === agent?.tenant);
  if (!agent || !customer) throw new Error('no agent or customer in the dataset');
  const session = await McpSession.connect(started.mcpUrl, agent, { client: 'http' });
  const answers: { build?: string; failed?: string }[] = [];
  try {
    for (let n = 0; !stop.done; n++) {
      const start = Date.now();
      try {
        const result = await session.call(
          'lookup_customer',
          { customerId: customer.id },
          `rolling-${n}`,
          5000,
        );
        const build = result._meta?.[BUILD_KEY] as string | undefined;
        answers.push(result.isError ? { failed: JSON.stringify(result.structuredContent) } : { build });
        // The guard reads the journal: hand it the call as the driver would.
        onCall({
          type: 'call',
          correlationId: `rolling-${n}`,
          vu: 0,
          identity: { tenant: agent.tenant, role: agent.role },
          tool: 'lookup_customer',
          args: { customerId: customer.id },
          argsDigest: 'x',
          intendedStart: start,
          actualStart: start,
          end: Date.now(),
          outcome: result.isError ? 'error' : 'ok',
          ...(build ? { buildId: build } : {}),
        });
      } catch (error) {
        answers.push({ failed: String(error) });
      }
      await sleep(20);
    }
  } finally {
    await session.close();
  }
  return answers;
}

function journal() {
  const listeners = new Set<(record: JournalRecord) => void>();
  return {
    source: {
      records: () => [],
      subscribe: (listener: (r: JournalRecord) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    append: (record: JournalRecord) => {
      for (const listener of listeners) listener(record);
    },
  };
}

describe('a rolling deploy through the router', () => {
  it('replaces three instances one by one with no call failing', async () => {
    env = await new Environment().withRuntime('local').withInstances(3).start();
    const started = env;
    const stop = { done: false };
    const { source, append } = journal();
    const calls = callUntil(started, stop, append);
    await sleep(500);
    const fault = Fault.deploy({ buildId: 'rolled' }, { strategy: 'rolling', guard: { watchMs: 500 } });
    const outcome = (await fault.inject(started, { journal: source })) as {
      detail: string;
      data: Record<string, number>;
    };
    await sleep(500);
    stop.done = true;
    const answers = await calls;

    expect(outcome.data).toMatchObject({ rolledBack: 0, shifted: 1 });
    expect(outcome.detail).toMatch(
      /target-1 drained and stopped \(1\/3\).*target-2 drained and stopped \(2\/3\).*target-3 drained and stopped \(3\/3\)/,
    );
    expect(started.instances.map((i) => [i.id, i.build])).toEqual([
      ['target-4', 'rolled'],
      ['target-5', 'rolled'],
      ['target-6', 'rolled'],
    ]);
    expect(answers.filter((a) => a.failed)).toEqual([]);
    // The switch, seen in the answers themselves: the old build first, the new one at the end.
    expect(answers[0]?.build).toBe('reference-dev');
    expect(answers.at(-1)?.build).toBe('rolled');
  }, 120_000);

  it('rolls a slow build back, starting the old build again where it had been replaced', async () => {
    env = await new Environment()
      .withRuntime('local')
      .withTarget({ ...referenceTarget(), deployEnv: { DEFECT: 'slow-queries' } })
      .withInstances(3)
      .start();
    const started = env;
    const stop = { done: false };
    const { source, append } = journal();
    // A new instance's first lookup misses its cache and meets the 250 ms delay of each statement.
    const calls = callUntil(started, stop, append);
    await sleep(300);
    const fault = Fault.deploy(
      { buildId: 'slow' },
      {
        strategy: 'rolling',
        guard: { thresholds: { call_duration: ['p(95)<200'] }, watchMs: 3000, minCalls: 3 },
      },
    );
    const outcome = (await fault.inject(started, { journal: source })) as {
      detail: string;
      data: Record<string, number>;
    };
    stop.done = true;
    const answers = await calls;

    expect(outcome.data.rolledBack).toBe(1);
    expect(outcome.data.exposureCalls).toBeGreaterThan(0);
    expect(outcome.detail).toMatch(/thresholds crossed: call_duration p\(95\)<200/);
    // Three instances again, all of the old build; none of the slow one.
    expect(started.instances).toHaveLength(3);
    expect(started.instances.every((i) => i.build === 'reference-dev')).toBe(true);
    expect(answers.filter((a) => a.failed)).toEqual([]);
  }, 120_000);
});
