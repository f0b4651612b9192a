import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, KeyedConcurrencyLimiter } from './concurrency-limiter.ts';

describe('ConcurrencyLimiter', () => {
  it('admits up to its limit, refuses the next at once, and frees a slot on release', () => {
    const limiter = new ConcurrencyLimiter(2);
    const first = limiter.tryAcquire();
    const second = limiter.tryAcquire();
    expect(first).toBeTypeOf('function');
    expect(second).toBeTypeOf('function');
    expect(limiter.tryAcquire()).toBeUndefined();
    first?.();
    expect(limiter.inFlight).toBe(1);
    expect(limiter.tryAcquire()).toBeTypeOf('function');
  });

  it('counts a double release once', () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = limiter.tryAcquire();
    release?.();
    release?.();
    expect(limiter.inFlight).toBe(0);
    limiter.tryAcquire();
    expect(limiter.tryAcquire()).toBeUndefined();
  });
});

describe('KeyedConcurrencyLimiter', () => {
  it('limits each key on its own and forgets keys with nothing in flight', () => {
    const limiter = new KeyedConcurrencyLimiter(1);
    const a = limiter.tryAcquire('a');
    expect(limiter.tryAcquire('a')).toBeUndefined();
    const b = limiter.tryAcquire('b');
    expect(b).toBeTypeOf('function');
    expect(limiter.keys).toBe(2);
    a?.();
    a?.();
    b?.();
    expect(limiter.keys).toBe(0);
    expect(limiter.tryAcquire('a')).toBeTypeOf('function');
  });
});
