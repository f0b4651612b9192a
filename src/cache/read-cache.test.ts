import { describe, expect, it } from 'vitest';
import { ReadCache, type ReadOutcome } from './read-cache.ts';

const unavailable = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const timedOut = () =>
  Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });

/** A cache on a clock the test moves, and the outcomes it reported. */
function setup(options: Partial<{ ttlMs: number; staleMs: number; maxEntries: number }> = {}) {
  let now = 1000;
  const cache = new ReadCache({ ttlMs: 1000, staleMs: 60_000, maxEntries: 100, ...options }, () => now);
  const outcomes: ReadOutcome[] = [];
  let loads = 0;
  const read = <T>(key: string, load: () => Promise<T>) =>
    cache.read(
      key,
      () => {
        loads++;
        return load();
      },
      (o) => outcomes.push(o),
    );
  return {
    cache,
    read,
    outcomes,
    loads: () => loads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('ReadCache', () => {
  it('answers from a fresh entry without loading, and loads again once the TTL has passed', async () => {
    const t = setup();
    expect(await t.read('k', async () => 'v1')).toEqual({ value: 'v1' });
    t.advance(999);
    expect(await t.read('k', async () => 'v2')).toEqual({ value: 'v1' });
    t.advance(1);
    expect(await t.read('k', async () => 'v3')).toEqual({ value: 'v3' });
    expect(t.loads()).toBe(2);
    expect(t.outcomes).toEqual(['miss', 'hit', 'miss']);
  });

  it('with a TTL of 0 always loads, yet keeps the copy for the stale fallback', async () => {
    const t = setup({ ttlMs: 0 });
    await t.read('k', async () => 'v1');
    expect(await t.read('k', async () => 'v2')).toEqual({ value: 'v2' });
    t.advance(250);
    expect(await t.read('k', () => Promise.reject(unavailable()))).toEqual({ value: 'v2', staleAgeMs: 250 });
  });

  it.each([
    ['unavailable', unavailable],
    ['timing out', timedOut],
  ])('serves an expired entry marked with its age while the database is %s', async (_, failure) => {
    const t = setup();
    await t.read('k', async () => 'v1');
    t.advance(20_000);
    expect(await t.read('k', () => Promise.reject(failure()))).toEqual({ value: 'v1', staleAgeMs: 20_000 });
    expect(t.outcomes).toEqual(['miss', 'stale']);
  });

  it('never marks a fresh answer, and a successful load replaces the stale copy', async () => {
    const t = setup();
    await t.read('k', async () => 'v1');
    t.advance(5000);
    await t.read('k', () => Promise.reject(unavailable()));
    const fresh = await t.read('k', async () => 'v2');
    expect(fresh).toEqual({ value: 'v2' });
    expect('staleAgeMs' in fresh).toBe(false);
    t.advance(3000);
    expect(await t.read('k', () => Promise.reject(unavailable()))).toEqual({ value: 'v2', staleAgeMs: 3000 });
  });

  it('fails as the database did when there is no copy, or the copy is older than the stale window', async () => {
    const t = setup({ staleMs: 10_000 });
    await expect(t.read('k', () => Promise.reject(unavailable()))).rejects.toThrow('ECONNREFUSED');
    await t.read('k', async () => 'v1');
    t.advance(10_001);
    await expect(t.read('k', () => Promise.reject(unavailable()))).rejects.toThrow('ECONNREFUSED');
    expect(t.outcomes).toEqual(['error', 'miss', 'error']);
  });

  it('never papers over a failure that is not the database being away', async () => {
    const t = setup();
    await t.read('k', async () => 'v1');
    t.advance(2000);
    const bug = Object.assign(new Error('relation "orders" does not exist'), { code: '42P01' });
    await expect(t.read('k', () => Promise.reject(bug))).rejects.toBe(bug);
  });

  it('does not remember a record that does not exist', async () => {
    const t = setup();
    expect(await t.read('k', async () => undefined)).toEqual({ value: undefined });
    expect(await t.read('k', async () => 'created')).toEqual({ value: 'created' });
    expect(t.outcomes).toEqual(['miss', 'miss']);
  });

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const t = setup({ maxEntries: 2 });
    await t.read('a', async () => 'A');
    await t.read('b', async () => 'B');
    await t.read('a', async () => 'A2'); // a hit: a is now the most recently used
    await t.read('c', async () => 'C');
    expect(t.cache.size).toBe(2);
    expect(await t.read('a', async () => 'A3')).toEqual({ value: 'A' });
    expect(await t.read('b', async () => 'B2')).toEqual({ value: 'B2' });
  });

  it('keeps entries apart by key', async () => {
    const t = setup();
    await t.read('a', async () => 'A');
    expect(await t.read('b', async () => 'B')).toEqual({ value: 'B' });
  });
});
