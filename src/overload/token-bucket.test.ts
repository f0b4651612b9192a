import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through at once, then says when the next token comes', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBe(100);
    // Refused takes spend nothing: the wait shrinks as time passes.
    expect(bucket.take(40)).toBe(60);
    expect(bucket.take(100)).toBe(0);
    expect(bucket.take(100)).toBe(100);
  });

  it('refills at its rate up to the burst, never beyond', () => {
    const bucket = new TokenBucket(2, 4, 0);
    for (let i = 0; i < 4; i++) bucket.take(0);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(1000)).toBe(500);
    const rested = new TokenBucket(2, 4, 0);
    const taken = Array.from({ length: 6 }, () => rested.take(3_600_000));
    expect(taken).toEqual([0, 0, 0, 0, 500, 500]);
  });

  it('refills nothing when the clock steps back', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(500)).toBe(1000);
    expect(bucket.take(1500)).toBe(500);
    expect(bucket.take(2000)).toBe(0);
  });
});
