import { describe, expect, it } from 'vitest';
import { ToolError } from '../errors.ts';
import { createOverloadGuard, type OverloadLimits, type ShedReason, UNGUARDED } from './guard.ts';

const LIMITS: OverloadLimits = {
  maxConcurrentCalls: 2,
  maxConcurrentPerPrincipal: 2,
  rate: { perSecond: 10, burst: 3, maxPrincipals: 100 },
  busyRetryAfterMs: 500,
};
const alice = { tenant: 't1', subject: 'alice' };
const bob = { tenant: 't1', subject: 'bob' };

function deferred() {
  let resolve: (value: string) => void = () => undefined;
  const promise = new Promise<string>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ToolError,
  );

describe('overload guard', () => {
  it('sheds the call over the concurrency limit at once with BUSY, without running it', async () => {
    const sheds: ShedReason[] = [];
    const guard = createOverloadGuard(LIMITS, { onShed: (r) => sheds.push(r), now: () => 0 });
    const slow = [deferred(), deferred()];
    const running = slow.map((d, i) => guard.run(i === 0 ? alice : bob, () => d.promise));
    let ran = false;
    const error = await rejection(
      guard.run(bob, async () => {
        ran = true;
        return 'x';
      }),
    );
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(ToolError);
    expect(error?.code).toBe('BUSY');
    expect(error?.retryAfterMs).toBe(500);
    expect(error?.message).toBe('busy, retry after 500 ms (the server is at its limit of 2 calls in flight)');
    expect(sheds).toEqual(['concurrency']);
    for (const d of slow) d.resolve('done');
    expect(await Promise.all(running)).toEqual(['done', 'done']);
    // The slots are free again, failures release theirs too.
    await rejection(guard.run(alice, () => Promise.reject(new Error('db down'))));
    expect(await guard.run(bob, async () => 'again')).toBe('again');
  });

  it('sheds a principal over its rate with RATE_LIMITED and its own wait; others go on', async () => {
    let now = 0;
    const sheds: ShedReason[] = [];
    const guard = createOverloadGuard(LIMITS, { onShed: (r) => sheds.push(r), now: () => now });
    for (let i = 0; i < 3; i++) await guard.run(alice, async () => 'ok');
    const error = await rejection(guard.run(alice, async () => 'ok'));
    expect(error?.code).toBe('RATE_LIMITED');
    expect(error?.retryAfterMs).toBe(100);
    expect(error?.message).toMatch(/^busy, retry after 100 ms \(over the limit of 10 calls\/s per caller\)$/);
    expect(sheds).toEqual(['rate_limit']);
    expect(await guard.run(bob, async () => 'bob served')).toBe('bob served');
    now = 100;
    expect(await guard.run(alice, async () => 'alice again')).toBe('alice again');
  });

  it('a rate-limited call takes no concurrency slot', async () => {
    const guard = createOverloadGuard(
      {
        ...LIMITS,
        maxConcurrentCalls: 1,
        maxConcurrentPerPrincipal: 1,
        rate: { perSecond: 1, burst: 1, maxPrincipals: 10 },
      },
      { now: () => 0 },
    );
    await guard.run(alice, async () => 'spent');
    expect((await rejection(guard.run(alice, async () => 'x')))?.code).toBe('RATE_LIMITED');
    expect(await guard.run(bob, async () => 'slot was free')).toBe('slot was free');
  });

  it('holds one caller to its share of the slots, leaving the rest to the others', async () => {
    const sheds: ShedReason[] = [];
    const guard = createOverloadGuard(
      {
        ...LIMITS,
        maxConcurrentCalls: 3,
        maxConcurrentPerPrincipal: 2,
        rate: { perSecond: 10, burst: 10, maxPrincipals: 10 },
      },
      { onShed: (r) => sheds.push(r), now: () => 0 },
    );
    const slow = [deferred(), deferred(), deferred()];
    const alices = [
      guard.run(alice, () => slow[0]?.promise as Promise<string>),
      guard.run(alice, () => slow[1]?.promise as Promise<string>),
    ];
    const error = await rejection(guard.run(alice, async () => 'third'));
    expect(error?.code).toBe('RATE_LIMITED');
    expect(error?.message).toBe('busy, retry after 500 ms (this caller already has 2 calls in flight)');
    expect(sheds).toEqual(['caller_concurrency']);
    const bobs = guard.run(bob, () => slow[2]?.promise as Promise<string>);
    // The global limit (3) is reached now: bob's second call is BUSY, and gives its caller slot back.
    expect((await rejection(guard.run(bob, async () => 'x')))?.code).toBe('BUSY');
    for (const d of slow) d.resolve('done');
    await Promise.all([...alices, bobs]);
    expect(await guard.run(bob, async () => 'bob again')).toBe('bob again');
    expect(await guard.run(alice, async () => 'alice again')).toBe('alice again');
  });

  it('UNGUARDED admits everything', async () => {
    const all = await Promise.all(Array.from({ length: 100 }, () => UNGUARDED.run(alice, async () => 1)));
    expect(all.length).toBe(100);
  });
});
