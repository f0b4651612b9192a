import { describe, expect, it } from 'vitest';
import { ARTICLE_TOPICS, generateDataset } from '../dataset/generate.ts';
import { HarnessError } from '../errors.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import { Random } from '../random.ts';
import { FakeClock } from './fake-clock.ts';
import type { McpSession, ToolResult } from './mcp-contract.ts';
import { profileMs, rampingArrivals } from './schedule.ts';
import { DEFAULT_MIX, planCall, testCardNumber, UNMATCHED_QUERY } from './workload.ts';
import { noisyProfile, plannedSequenceDigest, resolveWorkload } from './workload-plan.ts';
import { runWorkload } from './workload-run.ts';
import { type WorkloadSpec, workloadIssues } from './workload-spec.ts';

const TIMELINE = 10_000;

describe('workloadIssues', () => {
  it('accepts each executor with its own fields', () => {
    const specs: WorkloadSpec[] = [
      { rate: 10 },
      { executor: 'ramping-arrival-rate', stages: [{ duration: '5s', target: 200 }] },
      { executor: 'constant-vus', vus: 4, thinkTime: '100ms' },
      { executor: 'ramping-vus', startVus: 1, stages: [{ duration: '2s', target: 8 }] },
    ];
    for (const spec of specs) expect(workloadIssues(spec, TIMELINE)).toEqual([]);
  });

  it('names a field of another executor as the mistake', () => {
    expect(workloadIssues({ rate: 10, vus: 3 }, TIMELINE)).toEqual([
      expect.stringMatching(/vus.*not a field of the constant-arrival-rate executor/),
    ]);
    expect(workloadIssues({ executor: 'constant-vus', vus: 3, spikes: [] }, TIMELINE)[0]).toMatch(
      /spikes.*not a field of the constant-vus executor/,
    );
  });

  it('names an unknown executor, a bad duration, stages longer than the timeline and a spike past its end', () => {
    expect(workloadIssues({ executor: 'per-vu-iterations' }, TIMELINE)[0]).toMatch(
      /executor: 'per-vu-iterations' is not an executor: use constant-arrival-rate/,
    );
    expect(workloadIssues({ executor: 'constant-vus', vus: 1, thinkTime: '1 sec' }, TIMELINE)[0]).toMatch(
      /thinkTime: write a duration as 500ms/,
    );
    expect(
      workloadIssues(
        { executor: 'ramping-arrival-rate', stages: [{ duration: '11s', target: 5 }] },
        TIMELINE,
      )[0],
    ).toMatch(/stages: they last 11000 ms but the timeline only 10000 ms/);
    expect(
      workloadIssues({ rate: 5, spikes: [{ at: '9s', duration: '2s', multiplier: 3 }] }, TIMELINE)[0],
    ).toMatch(/spikes.0: it ends after the timeline/);
    expect(workloadIssues({ rate: 5, noisy: { rate: 9, at: '9s', duration: '2s' } }, TIMELINE)[0]).toMatch(
      /noisy: its window ends after the timeline/,
    );
    expect(workloadIssues({ rate: 5, noisy: { rate: 9, at: '10s' } }, TIMELINE)[0]).toMatch(/^noisy: /);
    expect(workloadIssues({ rate: 5, noisy: { rate: 9, at: '2s', duration: '1s' } }, TIMELINE)).toEqual([]);
    expect(workloadIssues({ rate: 0 }, TIMELINE)[0]).toMatch(/^rate: /);
    expect(workloadIssues({ rate: 1, callTimeout: '6m' }, TIMELINE)[0]).toMatch(
      /callTimeout: give a call budget from 100ms to 5m/,
    );
  });
});

describe('resolveWorkload', () => {
  it('holds the last stage to the end of the timeline and applies spikes', () => {
    const w = resolveWorkload(
      {
        executor: 'ramping-arrival-rate',
        stages: [{ duration: '2s', target: 100 }],
        spikes: [{ at: '5s', duration: '1s', multiplier: 4 }],
        noisy: { rate: 50 },
      },
      TIMELINE,
    );
    expect(w.profile?.stages.reduce((s, x) => s + Number(x.duration), 0)).toBe(TIMELINE);
    expect(w.peakRate).toBe(450);
    expect(w.callTimeoutMs).toBe(15_000);
    expect(w.client).toBe('http');
  });

  it('sizes sessions per identity: the in-flight cap, or the VUs spread over the identities', () => {
    expect(resolveWorkload({ rate: 5, maxInFlightPerIdentity: 7 }, TIMELINE).sessionsPerIdentity(3)).toBe(7);
    expect(resolveWorkload({ executor: 'constant-vus', vus: 10 }, TIMELINE).sessionsPerIdentity(3)).toBe(4);
    expect(
      resolveWorkload(
        { executor: 'ramping-vus', startVus: 2, stages: [{ duration: '1s', target: 9 }] },
        TIMELINE,
      ).sessionsPerIdentity(3),
    ).toBe(3);
  });

  it('throws INVALID_SCENARIO listing every issue', () => {
    expect(() => resolveWorkload({ rate: -1, client: 'curl' } as unknown as WorkloadSpec, TIMELINE)).toThrow(
      HarnessError,
    );
  });
});

describe('runWorkload on a virtual clock', () => {
  function sessions(clock: FakeClock, identities: { tenant: string; role: 'agent' }[], each: number) {
    return identities.map((identity) =>
      Array.from(
        { length: each },
        () =>
          ({
            identity,
            async call(): Promise<ToolResult> {
              await clock.sleep(5);
              return { structuredContent: {}, _meta: {} };
            },
          }) as unknown as McpSession,
      ),
    );
  }

  it('runs a noisy user at its own rate beside the quiet ones, with its own ids and VU numbers', async () => {
    const clock = new FakeClock();
    const dataset = generateDataset(1, { tenants: 3, customersPerTenant: 3 });
    const [quietA, quietB, loud] = dataset.tenants.map((t) => ({ tenant: t.id, role: 'agent' as const })) as [
      { tenant: string; role: 'agent' },
      { tenant: string; role: 'agent' },
      { tenant: string; role: 'agent' },
    ];
    const records: JournalRecord[] = [];
    const workload = resolveWorkload(
      { rate: 10, mix: { lookup_customer: 1, create_ticket: 1 }, noisy: { rate: 100 } },
      2000,
    );
    const quiet = sessions(clock, [quietA, quietB], 4);
    const [noisy] = sessions(clock, [loud], 8);
    const summary = await runWorkload(
      workload,
      2000,
      {
        runId: 'r',
        seed: 1,
        dataset,
        sessions: quiet,
        append: (r) => records.push(r),
        phase: () => 'p',
        clock,
      },
      noisy,
    );
    const calls = records.filter((r): r is RecordOf<'call'> => r.type === 'call');
    const noisyCalls = calls.filter((c) => c.identity.tenant === loud.tenant);
    expect(noisyCalls).toHaveLength(200);
    expect(calls.length - noisyCalls.length).toBe(20);
    expect(noisyCalls.every((c) => c.correlationId.startsWith('r-noisy-') && c.vu === 2)).toBe(true);
    expect(calls.filter((c) => c.vu < 2).every((c) => !c.correlationId.includes('noisy'))).toBe(true);
    expect(summary).toMatchObject({ scheduled: 220, started: 220, dropped: 0 });
    // What the journal header records before the run: the same digest, from the plan alone.
    expect(
      plannedSequenceDigest(workload, {
        seed: 1,
        runId: 'another-run',
        dataset,
        identities: [quietA, quietB],
        noisy: loud,
      }),
    ).toBe(summary.sequenceDigest);
    expect(
      plannedSequenceDigest(workload, {
        seed: 2,
        runId: 'r',
        dataset,
        identities: [quietA, quietB],
        noisy: loud,
      }),
    ).not.toBe(summary.sequenceDigest);
  });

  it('runs a windowed noisy user only inside its window, as the planned digest says', async () => {
    const clock = new FakeClock();
    const dataset = generateDataset(1, { tenants: 3, customersPerTenant: 3 });
    const [quiet, loud] = dataset.tenants.map((t) => ({ tenant: t.id, role: 'agent' as const })) as [
      { tenant: string; role: 'agent' },
      { tenant: string; role: 'agent' },
    ];
    const records: JournalRecord[] = [];
    const workload = resolveWorkload(
      { rate: 10, mix: { lookup_customer: 1 }, noisy: { rate: 100, at: '1s', duration: 500 } },
      3000,
    );
    const t0 = clock.now();
    const summary = await runWorkload(
      workload,
      3000,
      {
        runId: 'r',
        seed: 1,
        dataset,
        sessions: sessions(clock, [quiet], 4),
        append: (r) => records.push(r),
        phase: () => 'p',
        clock,
      },
      sessions(clock, [loud], 8)[0],
    );
    const noisyStarts = records
      .filter((r): r is RecordOf<'call'> => r.type === 'call' && r.identity.tenant === loud.tenant)
      .map((c) => c.intendedStart - t0);
    expect(noisyStarts).toHaveLength(50);
    expect(Math.min(...noisyStarts)).toBe(1000);
    expect(Math.max(...noisyStarts)).toBeLessThan(1500);
    expect(summary.scheduled).toBe(30 + 50);
    const plan = { seed: 1, runId: 'x', dataset, identities: [quiet], noisy: loud };
    expect(plannedSequenceDigest(workload, plan)).toBe(summary.sequenceDigest);
    // The window is part of the plan: another window, another digest.
    const wider = resolveWorkload(
      { rate: 10, mix: { lookup_customer: 1 }, noisy: { rate: 100, at: '1s', duration: 600 } },
      3000,
    );
    expect(plannedSequenceDigest(wider, plan)).not.toBe(summary.sequenceDigest);
  });

  it('noisyProfile: silent outside the window, whole timeline by default', () => {
    const count = (noisy: Parameters<typeof noisyProfile>[0]) => {
      const p = noisyProfile(noisy, 2000);
      expect(profileMs(p)).toBe(2000);
      return [...rampingArrivals(p.startRate, p.stages)];
    };
    expect(count({ rate: 10 })).toHaveLength(20);
    expect(count({ rate: 10, duration: 500 })).toEqual([0, 100, 200, 300, 400]);
    expect(count({ rate: 10, at: 1500 })).toEqual([1500, 1600, 1700, 1800, 1900]);
    expect(count({ rate: 10, at: '1s', duration: '200ms' })).toEqual([1000, 1100]);
  });

  it('ramping-vus holds its last target to the end of the timeline', async () => {
    const clock = new FakeClock();
    const dataset = generateDataset(1, { tenants: 2, customersPerTenant: 3 });
    const records: JournalRecord[] = [];
    const workload = resolveWorkload(
      {
        executor: 'ramping-vus',
        startVus: 2,
        stages: [{ duration: '1s', target: 2 }],
        mix: { lookup_customer: 1 },
      },
      3000,
    );
    const t0 = clock.now();
    await runWorkload(workload, 3000, {
      runId: 'r',
      seed: 1,
      dataset,
      sessions: sessions(clock, [{ tenant: dataset.tenants[0]?.id ?? '', role: 'agent' }], 2),
      append: (r) => records.push(r),
      phase: () => 'p',
      clock,
    });
    const calls = records.filter((r): r is RecordOf<'call'> => r.type === 'call');
    // Two VUs, a 5 ms call and no think time: 400 calls a second each, for 3 s, not 1 s.
    expect(calls.filter((c) => c.intendedStart - t0 >= 2000)).toHaveLength(400);
    expect((calls.at(-1)?.intendedStart ?? t0) - t0).toBeGreaterThan(2990);
  });
});

describe('planCall for get_order_status', () => {
  const dataset = generateDataset(7);
  const tenant = dataset.tenants[0]?.id ?? '';

  it("asks only for orders the identity may see: its tenant's, or a customer's own", () => {
    const random = new Random(3);
    const agent = { tenant, role: 'agent' as const };
    const tenantCustomers = new Set(dataset.customers.filter((c) => c.tenantId === tenant).map((c) => c.id));
    for (let i = 0; i < 200; i++) {
      const planned = planCall(random, agent, dataset, { get_order_status: 1 }, `k${i}`);
      expect(planned.tool).toBe('get_order_status');
      const order = dataset.orders.find((o) => o.id === planned.args.orderId);
      expect(order && tenantCustomers.has(order.customerId)).toBe(true);
    }
    const owner = dataset.orders.find((o) => tenantCustomers.has(o.customerId))?.customerId ?? '';
    const customer = { tenant, role: 'customer' as const, customer: owner };
    for (let i = 0; i < 50; i++) {
      const planned = planCall(random, customer, dataset, { get_order_status: 1 }, `c${i}`);
      const order = dataset.orders.find((o) => o.id === planned.args.orderId);
      expect(order?.customerId).toBe(owner);
    }
  });

  it('asks a customer without orders for its order list instead', () => {
    const lonely = dataset.customers.find((c) => !dataset.orders.some((o) => o.customerId === c.id));
    expect(lonely).toBeDefined();
    const identity = {
      tenant: lonely?.tenantId ?? '',
      role: 'customer' as const,
      customer: lonely?.id ?? '',
    };
    const planned = planCall(new Random(1), identity, dataset, { get_order_status: 1 }, 'k');
    expect(planned).toEqual({ tool: 'list_orders', args: { customerId: lonely?.id, limit: 20 } });
  });

  it('is not in the default mix: scenarios opt in', () => {
    expect(DEFAULT_MIX).not.toHaveProperty('get_order_status');
  });
});

describe('planCall: the role-mix tools', () => {
  const luhn = (digits: string) =>
    [...digits].reverse().reduce((sum, ch, i) => {
      const d = Number(ch) * (i % 2 === 1 ? 2 : 1);
      return sum + (d > 9 ? d - 9 : d);
    }, 0) %
      10 ===
    0;

  it('makes Luhn-valid test card numbers', () => {
    const random = new Random(11);
    for (let i = 0; i < 200; i++) {
      const number = testCardNumber(random);
      expect(number).toMatch(/^4000\d{12}$/);
      expect(luhn(number)).toBe(true);
    }
  });

  it('plans searches for a topic (or the unmatched word), billing updates and analytics', () => {
    const dataset = generateDataset(1);
    const identity = { tenant: dataset.tenants[0]?.id ?? '', role: 'billing_admin' as const };
    const random = new Random(5);
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const { tool, args } = planCall(
        random,
        identity,
        dataset,
        { search_knowledge_base: 1, update_billing: 1, analytics_summary: 1 },
        `key-${i}`,
      );
      seen.add(tool);
      if (tool === 'search_knowledge_base') {
        expect([...ARTICLE_TOPICS, UNMATCHED_QUERY]).toContain(args.query);
        expect([3, 10, 20]).toContain(args.limit);
      } else if (tool === 'update_billing') {
        const owner = dataset.customers.find((c) => c.id === args.customerId);
        expect(owner?.tenantId).toBe(identity.tenant);
        expect(args).toMatchObject({
          idempotencyKey: `key-${i}`,
          cardNumber: expect.stringMatching(/^\d{16}$/),
        });
      } else expect(args).toEqual({});
    }
    expect(seen).toEqual(new Set(['search_knowledge_base', 'update_billing', 'analytics_summary']));
  });
});
