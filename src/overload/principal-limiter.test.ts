import { describe, expect, it } from 'vitest';
import { PrincipalRateLimiter } from './principal-limiter.ts';

const p = (tenant: string, subject: string) => ({ tenant, subject });

describe('PrincipalRateLimiter', () => {
  it('gives each principal (tenant + subject) a bucket of its own', () => {
    const limiter = new PrincipalRateLimiter({ perSecond: 1, burst: 2, maxPrincipals: 100 });
    expect([limiter.take(p('t1', 'a'), 0), limiter.take(p('t1', 'a'), 0)]).toEqual([0, 0]);
    expect(limiter.take(p('t1', 'a'), 0)).toBe(1000);
    // The flooding principal's neighbours are untouched: another subject, the same subject elsewhere.
    expect(limiter.take(p('t1', 'b'), 0)).toBe(0);
    expect(limiter.take(p('t2', 'a'), 0)).toBe(0);
    // Keys cannot collide through the separator.
    expect(limiter.take(p('t1:a', 'x'), 0)).toBe(0);
    expect(limiter.take(p('t1', 'a:x'), 0)).toBe(0);
  });

  it('keeps at most maxPrincipals buckets, forgetting the least recently seen', () => {
    const limiter = new PrincipalRateLimiter({ perSecond: 1, burst: 1, maxPrincipals: 3 });
    for (let i = 0; i < 1000; i++) limiter.take(p('t', `user-${i}`), 0);
    expect(limiter.tracked).toBe(3);
    // user-997..999 are remembered (their tokens spent); user-0 was forgotten and starts full.
    expect(limiter.take(p('t', 'user-999'), 0)).toBe(1000);
    expect(limiter.take(p('t', 'user-0'), 0)).toBe(0);
    expect(limiter.tracked).toBe(3);
  });

  it('counts a principal as recently seen each time it calls', () => {
    const limiter = new PrincipalRateLimiter({ perSecond: 1, burst: 1, maxPrincipals: 2 });
    limiter.take(p('t', 'busy'), 0);
    limiter.take(p('t', 'other'), 0);
    limiter.take(p('t', 'busy'), 0); // refused, but now the most recent
    limiter.take(p('t', 'newcomer'), 0); // evicts 'other', not 'busy'
    expect(limiter.take(p('t', 'busy'), 0)).toBe(1000);
  });
});
