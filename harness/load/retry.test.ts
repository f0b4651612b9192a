import { describe, expect, it } from 'vitest';
import { generateDataset } from '../dataset/generate.ts';
import type { JournalRecord, RecordOf } from '../journal/index.ts';
import { callRecord } from '../journal/records.ts';
import { type Arrivals, runArrivals, type WorkloadContext } from './executor.ts';
import { FakeClock } from './fake-clock.ts';
import type { McpSession, ToolResult } from './mcp-contract.ts';
import { type RetryPolicy, resolveRetry } from './retry.ts';
import { runConstantVus } from './vus.ts';
import { resolveWorkload } from './workload-plan.ts';
import { workloadIssues } from './workload-spec.ts';

// Client retries on a virtual clock. Sessions answer after 10 ms with whatever `answer` says for
// the n-th call the target sees (0-based, all sessions together) and record what they were sent.
type Answer = (n: number, args: Record<string, unknown>, at: number) => ToolResult | 'hang';
const ok: ToolResult = { structuredContent: {}, _meta: {} };
const failure = (code: string): ToolResult => ({
  isError: true,
  structuredContent: { error: { code, message: 'try again' } },
  _meta: {},
});

function setup(options: { perIdentity?: number; identities?: number; answer: Answer; seed?: number }) {
  const clock = new FakeClock();
  const dataset = generateDataset(1, { tenants: 2, customersPerTenant: 3 });
  const sent: { correlationId: string; args: Record<string, unknown> }[] = [];
  let n = 0;
  const sessions = dataset.tenants.slice(0, options.identities).map((t) =>
    Array.from(
      { length: options.perIdentity ?? 8 },
      () =>
        ({
          identity: { tenant: t.id, role: 'agent' },
          async call(_tool: string, args: Record<string, unknown>, correlationId: string, timeoutMs: number) {
            sent.push({ correlationId, args });
            const answer = options.answer(n++, args, clock.now());
            if (answer === 'hang') {
              await clock.sleep(timeoutMs);
              return { isError: true, structuredContent: { error: { code: 'TIMEOUT' } }, _meta: {} };
            }
            await clock.sleep(10);
            return answer;
          },
        }) as unknown as McpSession,
    ),
  );
  const records: JournalRecord[] = [];
  const ctx: WorkloadContext = {
    runId: 'r',
    seed: options.seed ?? 1,
    dataset,
    sessions,
    append: (r) => records.push(r),
    phase: () => 'p',
    clock,
  };
  const calls = () => records.filter((r): r is RecordOf<'call'> => r.type === 'call');
  return { clock, ctx, calls, sent, t0: clock.now() };
}

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy =>
  ({ ...resolveRetry({ attempts: 1 }), ...over }) as RetryPolicy;
const base = { maxInFlightPerIdentity: 8, callTimeoutMs: 1000, mix: { create_ticket: 1 } };

describe('client retries, open model', () => {
  it('resends the same arguments under a new correlation id, linked to the first attempt', async () => {
    // The first of each key fails as when the server's query timeout fired after the commit.
    const seen = new Set<unknown>();
    const s = setup({
      answer: (_, args) => {
        if (seen.has(args.idempotencyKey)) return ok;
        seen.add(args.idempotencyKey);
        return failure('TIMEOUT');
      },
    });
    const summary = await runArrivals(
      { ...base, arrivals: [0, 100, 200], endMs: 1000, retry: policy() },
      s.ctx,
    );
    expect(summary).toMatchObject({ scheduled: 3, started: 3, dropped: 0, retried: 3, retriesDropped: 0 });
    const calls = s.calls();
    expect(calls).toHaveLength(6);
    for (const first of calls.filter((c) => c.attempt === undefined)) {
      const retry = calls.find((c) => c.retryOf === first.correlationId);
      expect(retry).toMatchObject({
        correlationId: `${first.correlationId}-a2`,
        attempt: 2,
        args: first.args,
        argsDigest: first.argsDigest,
        vu: first.vu,
        identity: first.identity,
        outcome: 'ok',
      });
      // Due one backoff (200 ms) after the failed attempt ended, and started then.
      expect(retry?.intendedStart).toBe(first.end + 200);
      expect(retry?.actualStart).toBe(retry?.intendedStart);
      expect(callRecord.safeParse(retry).success).toBe(true);
    }
    // The target saw each idempotency key twice.
    expect(
      s.sent.map((x) => x.args.idempotencyKey).filter((k) => k === calls[0]?.args.idempotencyKey),
    ).toHaveLength(2);
  });

  it('stops after `attempts` extra attempts, doubling the backoff each time', async () => {
    const s = setup({ answer: () => failure('DEPENDENCY_UNAVAILABLE') });
    const summary = await runArrivals(
      { ...base, arrivals: [0], endMs: 10_000, retry: policy({ attempts: 3, backoffMs: 100 }) },
      s.ctx,
    );
    expect(summary.retried).toBe(3);
    const calls = s.calls();
    expect(calls.map((c) => c.attempt ?? 1)).toEqual([1, 2, 3, 4]);
    expect(calls.map((c) => c.intendedStart - s.t0)).toEqual([0, 10 + 100, 120 + 200, 330 + 400]);
    expect(new Set(calls.map((c) => c.retryOf ?? c.correlationId)).size).toBe(1);
  });

  it('retries only the outcomes and tools it is told to', async () => {
    const mix = { create_ticket: 1, lookup_customer: 1 };
    const run = async (answer: Answer, retry: RetryPolicy) => {
      const s = setup({ answer });
      await runArrivals({ ...base, mix, arrivals: [0, 10, 20, 30, 40, 50], endMs: 5000, retry }, s.ctx);
      return s.calls().filter((c) => c.attempt !== undefined);
    };
    // NOT_FOUND and FORBIDDEN are answers, not transient failures: not retried by default.
    expect(await run(() => failure('NOT_FOUND'), policy())).toHaveLength(0);
    expect(await run(() => failure('NOT_FOUND'), policy({ on: ['error'] }))).toHaveLength(6);
    expect(await run(() => failure('NOT_FOUND'), policy({ on: ['NOT_FOUND'] }))).toHaveLength(6);
    const writes = await run(() => failure('INTERNAL'), policy({ tools: ['create_ticket'] }));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.tool === 'create_ticket')).toBe(true);
    // The client's own timeout is retried by default.
    const timedOut = await run((n) => (n < 6 ? 'hang' : ok), policy());
    expect(timedOut).toHaveLength(6);
  });

  it('counts a retry as a call in flight: at the cap it is not made, and counted', async () => {
    // One identity, one session: the retry of call 0 is due while call 1 holds the session (and
    // call 1's own retry would be due after the timeline).
    const s = setup({
      identities: 1,
      perIdentity: 1,
      answer: (n) => (n === 0 ? failure('TIMEOUT') : n === 1 ? 'hang' : ok),
    });
    const summary = await runArrivals(
      {
        ...base,
        maxInFlightPerIdentity: 1,
        arrivals: [0, 20],
        endMs: 1000,
        retry: policy({ backoffMs: 50 }),
      },
      s.ctx,
    );
    expect(summary).toMatchObject({ started: 2, retried: 0, retriesDropped: 1 });
    expect(s.calls()).toHaveLength(2);
  });

  it('keeps the planned calls on schedule while retries pile up (no coordinated omission)', async () => {
    // Calls issued in the first 500 ms hang until their budget runs out, then are retried.
    const s = setup({ perIdentity: 200, answer: (_, __, at) => (at - 1_000_000 < 500 ? 'hang' : ok) });
    const arrivals = Array.from({ length: 100 }, (_, i) => i * 20);
    const summary = await runArrivals(
      { ...base, maxInFlightPerIdentity: 200, arrivals, endMs: 2000, retry: policy({ attempts: 2 }) },
      s.ctx,
    );
    const planned = s.calls().filter((c) => c.attempt === undefined);
    expect(planned).toHaveLength(100);
    expect(planned.every((c) => c.actualStart === c.intendedStart)).toBe(true);
    expect(summary).toMatchObject({ scheduled: 100, started: 100, dropped: 0 });
    expect(summary.retried).toBeGreaterThan(0);
  });

  it('starts no retry once the timeline has ended or the run is aborted', async () => {
    const s = setup({ answer: () => failure('TIMEOUT') });
    // The retry of the call at 0 is due at 210 ms, past the 150 ms timeline.
    const late = await runArrivals({ ...base, arrivals: [0], endMs: 150, retry: policy() }, s.ctx);
    expect(late.retried).toBe(0);
    expect(s.calls()).toHaveLength(1);

    const a = setup({ answer: () => failure('TIMEOUT') });
    const abort = new AbortController();
    void a.clock.sleep(100).then(() => abort.abort());
    const aborted = await runArrivals(
      { ...base, arrivals: [0], endMs: 10_000, retry: policy({ attempts: 5 }) },
      { ...a.ctx, signal: abort.signal },
    );
    expect(aborted.retried).toBe(0);
    expect(a.calls()).toHaveLength(1);
  });

  it('retries identically for the same seed and the same answers; the planned digest ignores retries', async () => {
    const run = async (retry: RetryPolicy | undefined) => {
      const s = setup({ seed: 5, answer: (n) => (n % 3 === 0 ? failure('TIMEOUT') : ok) });
      const config: Arrivals = {
        ...base,
        arrivals: Array.from({ length: 30 }, (_, i) => i * 15),
        endMs: 1000,
      };
      const summary = await runArrivals(retry ? { ...config, retry } : config, s.ctx);
      return { summary, calls: s.calls().map((c) => ({ ...c, end: c.end - s.t0 })) };
    };
    const [a, b, none] = await Promise.all([run(policy()), run(policy()), run(undefined)]);
    expect(a.calls).toEqual(b.calls);
    expect(a.summary.retried).toBeGreaterThan(0);
    expect(a.summary.sequenceDigest).toBe(none.summary.sequenceDigest);
  });
});

describe('client retries, closed model', () => {
  it('a VU waits the backoff instead of thinking and retries on its own session', async () => {
    const s = setup({ perIdentity: 1, answer: (n) => (n < 2 ? failure('TIMEOUT') : ok) });
    const summary = await runConstantVus(
      {
        vus: 2,
        durationMs: 1000,
        thinkTimeMs: 500,
        callTimeoutMs: 1000,
        mix: { create_ticket: 1 },
        retry: policy({ backoffMs: 50 }),
      },
      s.ctx,
    );
    expect(summary.retried).toBe(2);
    const calls = s.calls();
    for (const vu of [0, 1]) {
      const mine = calls.filter((c) => c.vu === vu);
      expect(mine.map((c) => [c.attempt ?? 1, c.actualStart - s.t0])).toEqual([
        [1, 0],
        [2, 60],
        [1, 570],
      ]);
      expect(mine[1]).toMatchObject({ retryOf: mine[0]?.correlationId, args: mine[0]?.args });
    }
  });

  it('no retry past the end of the timeline', async () => {
    const s = setup({ perIdentity: 1, answer: () => failure('TIMEOUT') });
    await runConstantVus(
      {
        vus: 1,
        durationMs: 100,
        thinkTimeMs: 0,
        callTimeoutMs: 1000,
        mix: { create_ticket: 1 },
        retry: policy(),
      },
      s.ctx,
    );
    expect(s.calls().filter((c) => c.attempt !== undefined)).toHaveLength(0);
  });
});

describe('the retry option', () => {
  it('is validated, naming the bad field', () => {
    const issues = (retry: unknown) => workloadIssues({ rate: 1, retry }, 10_000);
    expect(issues({ attempts: 2 })).toEqual([]);
    expect(
      issues({
        attempts: 1,
        on: ['timeout', 'TIMEOUT', 'HTTP_503'],
        backoff: '1s',
        tools: ['create_ticket'],
      }),
    ).toEqual([]);
    expect(issues({ attempts: 0 })[0]).toMatch(/^retry\.attempts: give 1 to 5 extra attempts/);
    expect(issues({ attempts: 6 })[0]).toMatch(/^retry\.attempts: give 1 to 5 extra attempts/);
    expect(issues({ attempts: 1, on: ['ok'] })[0]).toMatch(
      /^retry\.on\.0: "ok" is neither an outcome to retry/,
    );
    expect(issues({ attempts: 1, backoff: '2m' })[0]).toMatch(
      /^retry\.backoff: give a backoff of at most 1m/,
    );
    expect(issues({ attempts: 1, tools: ['delete_everything'] })[0]).toMatch(/^retry\.tools\.0: /);
    expect(issues({ attempts: 1, jitter: true })[0]).toMatch(/^retry: .*jitter/);
    expect(workloadIssues({ executor: 'constant-vus', vus: 1, retry: { attempts: 1 } }, 10_000)).toEqual([]);
  });

  it('resolves its defaults', () => {
    expect(resolveWorkload({ rate: 1, retry: { attempts: 2 } }, 10_000).retry).toEqual({
      attempts: 2,
      on: ['timeout', 'transport-error', 'DEPENDENCY_UNAVAILABLE', 'TIMEOUT', 'INTERNAL'],
      backoffMs: 200,
    });
    expect(resolveWorkload({ rate: 1 }, 10_000).retry).toBeUndefined();
  });
});
